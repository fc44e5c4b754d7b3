package dev.lanes.plugin.springcloud.loadbalancer;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the HTTP status code of the client response that LoadBalancer lifecycles receive,
 * whatever its type and Spring line: {@code ResponseData.getHttpStatus()} returns
 * {@code HttpStatus} up to Spring Cloud 3.1 and {@code HttpStatusCode} from 4.0 on (binary
 * incompatible), 3.1 adds {@code getRawHttpStatus()}, and a raw {@code ClientHttpResponse}
 * or Feign response has yet other names. Methods are found once per class, by name.
 */
final class HttpStatusReader {

    /** Accessors tried in order; the first that yields a code wins. */
    private static final String[] NAMES = {"getRawHttpStatus", "getHttpStatus", "getRawStatusCode",
        "getStatusCode", "status", "getStatus"};

    private static final Accessors ACCESSORS = new Accessors();

    private HttpStatusReader() {
    }

    /** The status code of {@code response}, or -1 when it has none that can be read. */
    static int status(Object response) {
        if (response == null) {
            return -1;
        }
        for (Method method : ACCESSORS.get(response.getClass())) {
            int code = code(invoke(method, response));
            if (code > 0) {
                return code;
            }
        }
        return -1;
    }

    /** A code from an Integer, an {@code HttpStatus} or an {@code HttpStatusCode} (both have value()). */
    private static int code(Object value) {
        if (value == null) {
            return -1;
        }
        if (value instanceof Number) {
            return ((Number) value).intValue();
        }
        Method v = ACCESSORS.valueMethod(value.getClass());
        if (v != null) {
            Object n = invoke(v, value);
            if (n instanceof Number) {
                return ((Number) n).intValue();
            }
        }
        return -1;
    }

    private static Object invoke(Method method, Object target) {
        try {
            return method.invoke(target);
        } catch (Exception e) {
            // An unknown status makes Spring 5's getStatusCode() throw; try the next accessor.
            return null;
        }
    }

    /** A public, no-argument method called {@code name} that can be invoked on {@code type}, or null. */
    static Method publicMethod(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            Method m = declaredPublic(c, name);
            if (m != null) {
                return m;
            }
            for (Class<?> i : c.getInterfaces()) {
                Method im = interfaceMethod(i, name);
                if (im != null) {
                    return im;
                }
            }
        }
        return null;
    }

    private static Method interfaceMethod(Class<?> type, String name) {
        Method m = declaredPublic(type, name);
        if (m != null) {
            return m;
        }
        for (Class<?> i : type.getInterfaces()) {
            Method im = interfaceMethod(i, name);
            if (im != null) {
                return im;
            }
        }
        return null;
    }

    private static Method declaredPublic(Class<?> c, String name) {
        if (!Modifier.isPublic(c.getModifiers())) {
            return null;
        }
        try {
            Method m = c.getDeclaredMethod(name);
            return Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers())
                    && m.getReturnType() != void.class ? m : null;
        } catch (NoSuchMethodException | SecurityException | NoClassDefFoundError e) {
            return null;
        }
    }

    /** Per-class accessors, computed once; values die with their class. */
    static final class Accessors extends ClassValue<Method[]> {

        private final ClassValue<Method> values = new ValueMethods();

        @Override
        protected Method[] computeValue(Class<?> type) {
            List<Method> found = new ArrayList<Method>(2);
            for (String name : NAMES) {
                Method m = publicMethod(type, name);
                if (m != null) {
                    found.add(m);
                }
            }
            return found.toArray(new Method[0]);
        }

        Method valueMethod(Class<?> type) {
            return values.get(type);
        }
    }

    /** The {@code value()} accessor of status types. */
    static final class ValueMethods extends ClassValue<Method> {
        @Override
        protected Method computeValue(Class<?> type) {
            return publicMethod(type, "value");
        }
    }
}
