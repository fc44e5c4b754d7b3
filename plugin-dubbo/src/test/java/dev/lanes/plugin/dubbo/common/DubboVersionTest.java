package dev.lanes.plugin.dubbo.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.core.plugin.Support;
import dev.lanes.plugin.dubbo.v2_7.Dubbo27Plugin;
import dev.lanes.plugin.dubbo.v3.Dubbo3Plugin;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which plugin takes which Dubbo, read from jars without loading a class. */
class DubboVersionTest {

    @TempDir
    Path dir;

    @Test
    void rangesIncludeEveryPatchOfTheirLastMinor() {
        DubboVersion.Range v27 = new DubboVersion.Range("2.7.5", "2.7", "2.7.5+");
        assertTrue(v27.contains("2.7.5"));
        assertTrue(v27.contains("2.7.23"));
        assertFalse(v27.contains("2.7.4"));
        assertFalse(v27.contains("2.6.12"));
        assertFalse(v27.contains("3.0.0"));
        DubboVersion.Range v3 = new DubboVersion.Range("3.1.0", "3.3", "3.1-3.3");
        assertTrue(v3.contains("3.1.0"));
        assertTrue(v3.contains("3.3.6-SNAPSHOT"));
        assertFalse(v3.contains("3.0.15"));
        assertFalse(v3.contains("3.4.0"));
        assertFalse(v3.contains("garbage"));
    }

    @Test
    void theDubboOnThisClassPathIsTakenByTheDubbo3PluginOnly() {
        ClassLoader loader = getClass().getClassLoader();
        assertTrue(new Dubbo3Plugin().support(loader).isSupported());
        Support declined = new Dubbo27Plugin().support(loader);
        assertFalse(declined.isSupported());
        assertTrue(declined.reason().contains("found Apache Dubbo 3.1.11"), declined.reason());
    }

    @Test
    void versionsComeFromPomPropertiesElseTheManifestElseTheFileName() throws IOException {
        assertEquals("2.7.23", versionIn(jar("app.jar", "version=2.7.23\n", null)));
        assertEquals("3.2.19", versionIn(jar("app2.jar", null, "Implementation-Version: 3.2.19\n")));
        assertEquals("3.3.6", versionIn(jar("dubbo-3.3.6.jar", null, null)));
        try (URLClassLoader none = new URLClassLoader(new URL[0], null)) {
            Support absent = new Dubbo3Plugin().support(none);
            assertFalse(absent.isSupported());
            assertTrue(absent.reason().contains("not on the class path"), absent.reason());
        }
    }

    @Test
    void anUnreadableVersionIsDecidedByTheClassesEachPluginNeeds() throws IOException {
        Path three = jar("repackaged-3.jar", null, null, "org/apache/dubbo/rpc/cluster/RouterFactory.class",
                "org/apache/dubbo/rpc/cluster/router/state/StateRouter.class");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {three.toUri().toURL()}, null)) {
            assertTrue(new Dubbo3Plugin().support(loader).isSupported());
            Support not27 = new Dubbo27Plugin().support(loader);
            assertFalse(not27.isSupported());
            assertTrue(not27.reason().contains("cannot be read") && not27.reason().contains("StateRouter"),
                    not27.reason());
        }
        Path twoSeven = jar("repackaged-2.jar", null, null, "org/apache/dubbo/rpc/cluster/RouterFactory.class");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {twoSeven.toUri().toURL()}, null)) {
            assertTrue(new Dubbo27Plugin().support(loader).isSupported());
            Support not3 = new Dubbo3Plugin().support(loader);
            assertFalse(not3.isSupported());
            assertTrue(not3.reason().contains("StateRouter.class, which the plugin needs, is missing"), not3.reason());
        }
    }

    private String versionIn(Path jar) throws IOException {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            return DubboVersion.versionOf(loader.getResource(DubboVersion.MARKER));
        }
    }

    private Path jar(String name, String pomProperties, String manifest, String... more) throws IOException {
        Path jar = dir.resolve(name);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            put(out, DubboVersion.MARKER, new byte[] {(byte) 0xCA, (byte) 0xFE});
            for (String resource : more) {
                put(out, resource, new byte[] {(byte) 0xCA, (byte) 0xFE});
            }
            if (pomProperties != null) {
                put(out, "META-INF/maven/org.apache.dubbo/dubbo-common/pom.properties", pomProperties.getBytes());
            }
            if (manifest != null) {
                put(out, "META-INF/MANIFEST.MF", ("Manifest-Version: 1.0\n" + manifest).getBytes());
            }
        }
        return jar;
    }

    private static void put(OutputStream out, String name, byte[] bytes) throws IOException {
        JarOutputStream jar = (JarOutputStream) out;
        jar.putNextEntry(new JarEntry(name));
        jar.write(bytes);
        jar.closeEntry();
    }
}
