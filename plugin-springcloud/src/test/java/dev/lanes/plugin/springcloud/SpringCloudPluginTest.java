package dev.lanes.plugin.springcloud;

import dev.lanes.core.plugin.LanesPlugin;
import dev.lanes.core.plugin.Support;
import dev.lanes.plugin.springcloud.lifecycle.SpringLifecyclePlugin;
import dev.lanes.plugin.springcloud.web.SpringWebPlugin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plugin's descriptor: discovery, version check, and the rules its helpers must obey. */
class SpringCloudPluginTest {

    private final SpringCloudPlugin plugin = new SpringCloudPlugin();

    @Test
    void isFoundByServiceLoader() {
        List<String> names = new ArrayList<>();
        for (LanesPlugin p : ServiceLoader.load(LanesPlugin.class)) {
            names.add(p.name());
        }
        assertTrue(names.contains("springcloud"), names.toString());
    }

    @Test
    void supportsTheCommonsOnTheTestClassPath() {
        Support support = plugin.support(getClass().getClassLoader());
        assertTrue(support.isSupported(), support.reason());
    }

    @Test
    void acceptsCommons31To5() {
        for (String v : new String[] {"3.1.0", "3.1.8", "4.0.5", "4.1.5", "4.3.0", "5.0.0", "5.0.0-M2", "4.2.0-SNAPSHOT"}) {
            assertTrue(CommonsVersion.isSupported(v), v);
        }
        for (String v : new String[] {"3.0.6", "2.2.9.RELEASE", "6.0.0", "garbage", ""}) {
            assertFalse(CommonsVersion.isSupported(v), v);
        }
    }

    @Test
    void namesWhatItFoundWhenTheVersionDoesNotFit(@TempDir Path dir) throws IOException {
        Path old = jar(dir.resolve("spring-cloud-commons-2.2.9.RELEASE.jar"), null);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {old.toUri().toURL()}, null)) {
            Support support = plugin.support(loader);
            assertFalse(support.isSupported());
            assertTrue(support.reason().contains("2.2.9.RELEASE") && support.reason().contains("3.1.x to 5.x"),
                    support.reason());
        }
        Path renamed = jar(dir.resolve("commons.jar"), "6.0.1");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {renamed.toUri().toURL()}, null)) {
            Support support = plugin.support(loader);
            assertFalse(support.isSupported());
            assertTrue(support.reason().contains("6.0.1"), support.reason());
        }
        Path current = jar(dir.resolve("commons-repackaged.jar"), "4.3.0");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {current.toUri().toURL()}, null)) {
            assertTrue(plugin.support(loader).isSupported());
        }
        try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
            Support support = plugin.support(empty);
            assertFalse(support.isSupported());
            assertTrue(support.reason().contains("not on the class path"), support.reason());
        }
    }

    /** Helpers run in the application's class loader: every class they consist of must be listed. */
    @Test
    void everyHelperClassIsListedAndNoneUsesTheAgentCore() throws IOException {
        Path classes = classesDir();
        List<String> listed = plugin.helperClassNames();
        for (String helper : listed) {
            Path file = classes.resolve(helper.replace('.', '/') + ".class");
            assertTrue(Files.exists(file), "listed helper does not exist: " + helper);
            String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            assertFalse(bytes.contains("dev/lanes/core/"), helper + " references the agent core");
            assertFalse(bytes.contains("net/bytebuddy/"), helper + " references Byte Buddy");
        }
        try (Stream<Path> files = Files.walk(classes.resolve("dev/lanes/plugin/springcloud"))) {
            files.filter(f -> f.toString().endsWith(".class")).forEach(f -> {
                String name = classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
                boolean agentSide = name.endsWith("Instrumentation") || name.contains("Instrumentation$")
                        || name.endsWith("SpringCloudPlugin") || name.endsWith("CommonsVersion");
                boolean otherPlugin = name.startsWith("dev.lanes.plugin.springcloud.web.")
                        || name.startsWith("dev.lanes.plugin.springcloud.lifecycle.");
                if (!agentSide && !otherPlugin) {
                    assertTrue(listed.contains(name), name + " is loaded in the application but not listed as a helper");
                }
            });
        }
    }

    /** Advice is inlined into application classes: it may reference only the bridge and helpers. */
    @Test
    void adviceReferencesOnlyTheBridgeAndHelpers() throws IOException {
        Path classes = classesDir();
        try (Stream<Path> files = Files.walk(classes.resolve("dev/lanes/plugin/springcloud"))) {
            files.filter(f -> f.getFileName().toString().contains("Instrumentation$")).forEach(f -> {
                try {
                    String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                    int at = 0;
                    while ((at = bytes.indexOf("dev/lanes/", at)) >= 0) {
                        int end = at;
                        while (end < bytes.length() && bytes.charAt(end) > ' ' && bytes.charAt(end) != ';'
                                && bytes.charAt(end) < 127) {
                            end++;
                        }
                        String ref = bytes.substring(at, end).replace('/', '.');
                        // The web package is the springweb plugin's: its advice may use that plugin's helpers.
                        LanesPlugin owner = f.toString().contains("/springcloud/web/") ? new SpringWebPlugin()
                                : f.toString().contains("/springcloud/lifecycle/") ? new SpringLifecyclePlugin() : plugin;
                        boolean ok = ref.startsWith("dev.lanes.bridge.") || f.toString().contains(ref.replace('.', '/'))
                                || owner.helperClassNames().contains(ref);
                        assertTrue(ok, f.getFileName() + " references " + ref);
                        at = end;
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    private static Path classesDir() {
        try {
            return Path.of(SpringCloudPlugin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path jar(Path path, String version) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (version != null) {
            manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
        }
        try (OutputStream out = Files.newOutputStream(path); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.putNextEntry(new JarEntry(CommonsVersion.MARKER));
            jar.write(new byte[] {(byte) 0xCA, (byte) 0xFE});
            jar.closeEntry();
        }
        return path;
    }
}
