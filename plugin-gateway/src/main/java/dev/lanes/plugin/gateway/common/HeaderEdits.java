package dev.lanes.plugin.gateway.common;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import org.springframework.http.HttpHeaders;

/**
 * Removes a header from {@code HttpHeaders} on every Spring line: the method is
 * {@code remove(Object)} up to 6.x (from {@code MultiValueMap}) and {@code remove(String)} from
 * 7.0, two descriptors that one compiled call cannot both link to.
 */
public final class HeaderEdits {

    private static final MethodHandle REMOVE = removeHandle();

    private HeaderEdits() {
    }

    private static MethodHandle removeHandle() {
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        try {
            return lookup.findVirtual(HttpHeaders.class, "remove", MethodType.methodType(List.class, String.class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            try {
                return lookup.findVirtual(HttpHeaders.class, "remove", MethodType.methodType(List.class, Object.class));
            } catch (NoSuchMethodException | IllegalAccessException e2) {
                throw new IllegalStateException("HttpHeaders has no remove(String) nor remove(Object)", e2);
            }
        }
    }

    public static void remove(HttpHeaders headers, String name) {
        try {
            REMOVE.invoke(headers, (Object) name);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
