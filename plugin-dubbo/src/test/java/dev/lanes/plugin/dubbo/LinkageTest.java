package dev.lanes.plugin.dubbo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.plugin.dubbo.v2_7.Dubbo27Plugin;
import dev.lanes.plugin.dubbo.v3.Dubbo3Plugin;
import dev.lanes.testing.DocumentedVersions;
import dev.lanes.testing.LinkageCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The plugins' helpers link against every Dubbo version docs/dubbo.md claims, and the build
 * fetches exactly those versions (plugin-dubbo/pom.xml): one list, held by this test.
 */
class LinkageTest {

    private static final Map<String, String> PLUGINS = Map.of(
            "dubbo27", Dubbo27Plugin.class.getName(),
            "dubbo3", Dubbo3Plugin.class.getName());
    private static final Path JARS = Paths.get("target", "linkage");

    @Test
    void theHelpersLinkAgainstEveryDocumentedVersionAndOnlyThoseAreFetched() throws Exception {
        Map<String, List<String>> claimed = DocumentedVersions.read(Paths.get("..", "docs", "dubbo.md"));
        assertEquals(PLUGINS.keySet(), claimed.keySet(), "the table names every Dubbo plugin");

        TreeSet<String> documented = new TreeSet<>();
        claimed.values().forEach(documented::addAll);
        TreeSet<String> fetched = new TreeSet<>();
        try (Stream<Path> jars = Files.list(JARS)) {
            jars.map(j -> j.getFileName().toString()).filter(n -> n.matches("dubbo-.+\\.jar"))
                    .forEach(n -> fetched.add(n.substring("dubbo-".length(), n.length() - ".jar".length())));
        }
        assertEquals(documented, fetched, "docs/dubbo.md's linkage table and plugin-dubbo/pom.xml's jars");

        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, List<String>> plugin : claimed.entrySet()) {
            for (String version : plugin.getValue()) {
                List<String> problems = LinkageCheck.check(PLUGINS.get(plugin.getKey()), "org.apache.dubbo.",
                        Paths.get("target", "classes"), List.of(JARS.resolve("dubbo-" + version + ".jar")));
                for (String problem : problems) {
                    failures.add(plugin.getKey() + " on Dubbo " + version + ": " + problem);
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }
}
