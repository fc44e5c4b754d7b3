package dev.lanes.plugin.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.core.plugin.LanesPlugin;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The two gateway plugins, WebFlux and Server MVC: both found, each defining in the application
 * every class of its own that the application's code reaches, and none of the other's.
 */
class GatewayPluginsTest {

    private final GatewayPlugin webflux = new GatewayPlugin();
    private final GatewayMvcPlugin mvc = new GatewayMvcPlugin();

    @Test
    void bothPluginsAreFound() {
        List<String> names = new ArrayList<>();
        for (LanesPlugin plugin : ServiceLoader.load(LanesPlugin.class, getClass().getClassLoader())) {
            if (plugin.getClass().getName().startsWith("dev.lanes.plugin.gateway.")) {
                names.add(plugin.name());
            }
        }
        assertEquals(List.of("gateway", "gateway-mvc"), names);
    }

    @Test
    void everyHelperIsListedByThePluginThatUsesItAndNoneUsesTheAgentCore() throws IOException {
        Path classes = classesDir();
        for (LanesPlugin plugin : List.of(webflux, mvc)) {
            for (String helper : plugin.helperClassNames()) {
                if (!helper.startsWith("dev.lanes.plugin.gateway.")) {
                    continue; // the springweb plugin's, defined again
                }
                Path file = classes.resolve(helper.replace('.', '/') + ".class");
                assertTrue(Files.exists(file), "listed helper does not exist: " + helper);
                String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                assertFalse(bytes.contains("dev/lanes/core/"), helper + " references the agent core");
                assertFalse(bytes.contains("net/bytebuddy/"), helper + " references Byte Buddy");
            }
        }
        try (Stream<Path> files = Files.walk(classes.resolve("dev/lanes/plugin/gateway"))) {
            files.filter(f -> f.toString().endsWith(".class")).forEach(f -> {
                String name = classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
                boolean agentSide = name.contains("Instrumentation") || name.endsWith("Plugin")
                        || name.endsWith("Version");
                if (agentSide) {
                    return;
                }
                boolean inMvc = mvc.helperClassNames().contains(name);
                boolean inWebflux = webflux.helperClassNames().contains(name);
                if (name.contains(".mvc.")) {
                    assertTrue(inMvc && !inWebflux, name);
                } else if (name.contains(".webflux.")) {
                    assertTrue(inWebflux && !inMvc, name);
                } else {
                    assertTrue(inMvc && inWebflux, name + " is shared: both plugins list it");
                }
            });
        }
    }

    private static Path classesDir() {
        try {
            return Path.of(GatewayPlugin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
