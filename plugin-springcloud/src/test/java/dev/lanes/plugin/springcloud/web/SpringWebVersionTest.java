package dev.lanes.plugin.springcloud.web;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.core.plugin.Support;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpringWebVersionTest {

    @TempDir
    Path dir;

    @Test
    void theSpringWebOnTheTestClassPathIsSupported() {
        Support support = new SpringWebPlugin().support(getClass().getClassLoader());
        assertTrue(support.isSupported(), String.valueOf(support.reason()));
    }

    @Test
    void versionsOutsideTheRangeAreNamed() {
        assertTrue(SpringWebVersion.forVersion("5.3.0", "x").isSupported());
        assertTrue(SpringWebVersion.forVersion("6.2.12", "x").isSupported());
        assertTrue(SpringWebVersion.forVersion("7.0.0-M9", "x").isSupported());
        Support old = SpringWebVersion.forVersion("5.2.25.RELEASE", "/libs/spring-web.jar");
        assertFalse(old.isSupported());
        assertTrue(old.reason().contains("5.2.25.RELEASE") && old.reason().contains("/libs/spring-web.jar")
                && old.reason().contains("5.3.x to 7.x"), old.reason());
        assertFalse(SpringWebVersion.forVersion("8.0.0", "x").isSupported());
        assertFalse(SpringWebVersion.forVersion("garbage", "x").isSupported());
    }

    @Test
    void absentSpringWebIsUnsupported() throws IOException {
        try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
            Support support = SpringWebVersion.check(empty);
            assertFalse(support.isSupported());
            assertTrue(support.reason().contains("not found"), support.reason());
        }
        assertFalse(SpringWebVersion.check(null).isSupported());
    }

    @Test
    void theVersionComesFromTheManifestOfTheJarHoldingRestTemplate() throws IOException {
        assertTrue(SpringWebVersion.check(loaderOf(jar("spring-web", "6.1.3"))).isSupported());
        Support tooOld = SpringWebVersion.check(loaderOf(jar("spring-web", "5.1.0.RELEASE")));
        assertFalse(tooOld.isSupported());
        assertTrue(tooOld.reason().contains("5.1.0.RELEASE"), tooOld.reason());
        // A repackaged jar whose manifest is someone else's, without the 5.3 marker: unsupported.
        Support unreadable = SpringWebVersion.check(loaderOf(jar("my-app", "6.0.0")));
        assertFalse(unreadable.isSupported());
        assertTrue(unreadable.reason().contains("cannot be read") && unreadable.reason().contains("is missing"),
                unreadable.reason());
        // The same with the class the hooks need since 5.3: the plugin runs (and warns once).
        assertTrue(SpringWebVersion.check(loaderOf(jar("my-app", "6.0.0", SpringWebVersion.SINCE_5_3))).isSupported());
    }

    private Path jar(String title, String version, String... more) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_TITLE, title);
        manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
        Path jar = Files.createTempFile(dir, title, ".jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jarOut = new JarOutputStream(out, manifest)) {
            jarOut.putNextEntry(new JarEntry(SpringWebVersion.MARKER));
            jarOut.write(new byte[] {(byte) 0xCA, (byte) 0xFE});
            jarOut.closeEntry();
            for (String resource : more) {
                jarOut.putNextEntry(new JarEntry(resource));
                jarOut.write(new byte[] {(byte) 0xCA, (byte) 0xFE});
                jarOut.closeEntry();
            }
        }
        return jar;
    }

    private static URLClassLoader loaderOf(Path jar) throws IOException {
        return new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
    }
}
