package dev.lanes.plugin.dubbo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.core.plugin.LanesPlugin;
import dev.lanes.plugin.dubbo.v2_7.Dubbo27Plugin;
import dev.lanes.plugin.dubbo.v3.Dubbo3Plugin;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The plugin descriptors: found by ServiceLoader, helpers complete and free of the agent core. */
class DubboPluginsTest {

    private final LanesPlugin v27 = new Dubbo27Plugin();
    private final LanesPlugin v3 = new Dubbo3Plugin();

    @Test
    void bothPluginsAreFoundByServiceLoaderUnderNamesFitForSettings() {
        List<String> names = new ArrayList<>();
        for (LanesPlugin plugin : ServiceLoader.load(LanesPlugin.class, getClass().getClassLoader())) {
            if (plugin.getClass().getName().startsWith("dev.lanes.plugin.dubbo.")) {
                names.add(plugin.name());
            }
        }
        assertEquals(List.of("dubbo27", "dubbo3"), names);
        for (String name : names) {
            assertTrue(name.matches("[a-z0-9]+"), name);
        }
    }

    @Test
    void everyHelperIsListedByItsPluginAndNoneUsesTheAgentCore() throws IOException {
        Path classes = classesDir();
        Set<String> listed = new HashSet<>(v27.helperClassNames());
        listed.addAll(v3.helperClassNames());
        for (String helper : listed) {
            Path file = classes.resolve(helper.replace('.', '/') + ".class");
            assertTrue(Files.exists(file), "listed helper does not exist: " + helper);
            String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            assertFalse(bytes.contains("dev/lanes/core/"), helper + " references the agent core");
            assertFalse(bytes.contains("net/bytebuddy/"), helper + " references Byte Buddy");
            assertFalse(helper.contains(".v3.") && v27.helperClassNames().contains(helper), helper);
            assertFalse(helper.contains(".v2_7.") && v3.helperClassNames().contains(helper), helper);
        }
        try (Stream<Path> files = Files.walk(classes.resolve("dev/lanes/plugin/dubbo"))) {
            files.filter(f -> f.toString().endsWith(".class")).forEach(f -> {
                String name = classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
                boolean agentSide = name.contains("Instrumentation") || name.endsWith("Plugin")
                        || name.contains("DubboVersion") || name.endsWith("CommonHelpers");
                if (!agentSide) {
                    assertTrue(listed.contains(name), name + " is loaded in the application but not listed as a helper");
                }
            });
        }
    }

    /** Advice is inlined into Dubbo's classes: it may reference only the bridge and its plugin's helpers. */
    @Test
    void adviceReferencesOnlyTheBridgeAndHelpers() throws IOException {
        Path classes = classesDir();
        try (Stream<Path> files = Files.walk(classes.resolve("dev/lanes/plugin/dubbo"))) {
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
                        boolean ownAdvice = f.toString().contains(ref.replace('.', '/'));
                        boolean common = f.toString().contains("/common/");
                        boolean ok = ref.startsWith("dev.lanes.bridge.") || ownAdvice
                                || (common ? v27.helperClassNames().contains(ref) && v3.helperClassNames().contains(ref)
                                        : f.toString().contains("/v3/") ? v3.helperClassNames().contains(ref)
                                                : v27.helperClassNames().contains(ref));
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
            return Path.of(Dubbo27Plugin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
