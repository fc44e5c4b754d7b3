package dev.lanes.core.plugin;

import example.hierarchy.NotWatched;
import example.hierarchy.WatchedBase;
import example.hierarchy.WatchedChild;
import example.hierarchy.WatchedDeep;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The header reader against what the JVM itself says of real classes. */
class ClassHeaderTest {

    @Test
    void readsTheSameSuperTypesAsTheJvm() throws IOException {
        List<Class<?>> classes = Arrays.asList(String.class, java.util.HashMap.class,
                java.util.concurrent.ThreadPoolExecutor.class, java.util.concurrent.CompletableFuture.class,
                Thread.State.class, Runnable.class, Object.class, WatchedDeep.class, WatchedBase.class,
                WatchedChild.class, NotWatched.class, ClassHeaderTest.class, java.lang.invoke.MethodHandles.class);
        for (Class<?> type : classes) {
            ClassHeader header = ClassHeader.read(bytes(type));
            // An interface's class file names java.lang.Object as its super class; the JVM reports none.
            String expectedSuper = type.isInterface() ? "java.lang.Object"
                    : type.getSuperclass() == null ? null : type.getSuperclass().getName();
            assertEquals(expectedSuper, header.superName, type.getName());
            List<String> interfaces = new ArrayList<>();
            for (Class<?> i : type.getInterfaces()) {
                interfaces.add(i.getName());
            }
            assertArrayEquals(interfaces.toArray(new String[0]), header.interfaces, type.getName());
            assertEquals(type.isInterface(), header.isInterface, type.getName());
        }
    }

    @Test
    void notesWhichNamesTheConstantPoolHolds() throws IOException {
        byte[][] wanted = {"value".getBytes(), "doFilter".getBytes(), "run".getBytes()};
        assertEquals(0b101L, ClassHeader.read(bytes(NotWatched.class), wanted).mentioned);
        assertEquals(0b001L, ClassHeader.read(bytes(WatchedDeep.class), wanted).mentioned);
    }

    @Test
    void rejectsWhatIsNotAClassFile() throws IOException {
        assertThrows(IllegalArgumentException.class, () -> ClassHeader.read(new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
        byte[] truncated = Arrays.copyOf(bytes(WatchedDeep.class), 40);
        assertThrows(IllegalArgumentException.class, () -> ClassHeader.read(truncated));
    }

    static byte[] bytes(Class<?> type) throws IOException {
        String resource = "/" + type.getName().replace('.', '/') + ".class";
        try (InputStream in = type.getResourceAsStream(resource)) {
            return in.readAllBytes();
        }
    }
}
