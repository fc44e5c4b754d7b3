package dev.lanes.plugin.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.testing.DocumentedVersions;
import dev.lanes.testing.LinkageCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The gateway plugins' helpers link against every Spring Cloud Gateway version docs/gateway.md
 * claims (the gateway's own classes; Spring Framework's are those the plugin compiles against),
 * and the build fetches exactly those jars (plugin-gateway/pom.xml): one list, held by this test.
 */
class LinkageTest {

    private static final Map<String, String> PLUGINS = Map.of(
            "gateway", GatewayPlugin.class.getName(),
            "gateway-mvc", GatewayMvcPlugin.class.getName());
    private static final Path JARS = Paths.get("target", "linkage");

    @Test
    void theHelpersLinkAgainstEveryDocumentedVersionAndOnlyThoseAreFetched() throws Exception {
        Map<String, List<String>> claimed = DocumentedVersions.read(Paths.get("..", "docs", "gateway.md"));
        assertEquals(PLUGINS.keySet(), claimed.keySet(), "the table names every gateway plugin");

        TreeSet<String> documented = new TreeSet<>();
        claimed.forEach((plugin, versions) -> versions.forEach(v -> documented.add(plugin + "-" + v + ".jar")));
        TreeSet<String> fetched = new TreeSet<>();
        try (Stream<Path> jars = Files.list(JARS)) {
            jars.map(j -> j.getFileName().toString()).filter(n -> n.startsWith("gateway-")).forEach(fetched::add);
        }
        assertEquals(documented, fetched, "docs/gateway.md's linkage table and plugin-gateway/pom.xml's jars");

        // The helpers come from this module and from plugin-springcloud (the shared web helpers).
        Path classes = Paths.get("target", "linkage-classes");
        copyTree(Paths.get("..", "plugin-springcloud", "target", "classes"), classes);
        copyTree(Paths.get("target", "classes"), classes);
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, List<String>> plugin : claimed.entrySet()) {
            for (String version : plugin.getValue()) {
                List<String> problems = LinkageCheck.check(PLUGINS.get(plugin.getKey()),
                        "org.springframework.cloud.gateway.", classes,
                        List.of(JARS.resolve(plugin.getKey() + "-" + version + ".jar")));
                for (String problem : problems) {
                    failures.add(plugin.getKey() + " on Spring Cloud Gateway " + version + ": " + problem);
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        assertTrue(Files.isDirectory(from), from + " is missing: build the module first");
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
