package dev.lanes.plugin.springcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.plugin.springcloud.web.SpringWebPlugin;
import dev.lanes.testing.DocumentedVersions;
import dev.lanes.testing.LinkageCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Spring plugins' helpers link against every Spring Cloud line docs/spring-cloud.md lists,
 * with exactly the jars the build fetches for it (plugin-springcloud/pom.xml): one list, held by
 * this test.
 */
class LinkageTest {

    private static final Path JARS = Paths.get("target", "linkage");
    private static final List<String> PLUGINS = List.of(SpringCloudPlugin.class.getName(),
            SpringWebPlugin.class.getName());

    @Test
    void theHelpersLinkAgainstEveryDocumentedLineWithItsDocumentedJars() throws Exception {
        Map<String, List<String>> lines = DocumentedVersions.rows(Paths.get("..", "docs", "spring-cloud.md"));
        TreeSet<String> fetchedLines = new TreeSet<>();
        try (Stream<Path> dirs = Files.list(JARS)) {
            dirs.forEach(d -> fetchedLines.add(d.getFileName().toString()));
        }
        assertEquals(new TreeSet<>(lines.keySet()), fetchedLines,
                "docs/spring-cloud.md's linkage table and plugin-springcloud/pom.xml's folders");

        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, List<String>> line : lines.entrySet()) {
            List<String> versions = line.getValue(); // commons, framework, reactor
            List<Path> jars;
            try (Stream<Path> files = Files.list(JARS.resolve(line.getKey()))) {
                jars = files.sorted().collect(Collectors.toList());
            }
            for (Path jar : jars) {
                String name = jar.getFileName().toString();
                String version = name.startsWith("spring-cloud-") ? versions.get(0)
                        : name.startsWith("spring-") ? versions.get(1) : versions.get(2);
                assertTrue(name.endsWith("-" + version + ".jar"),
                        "line " + line.getKey() + ": " + name + " is not the documented " + version);
            }
            for (String plugin : PLUGINS) {
                for (String problem : LinkageCheck.check(plugin, "org.springframework.,reactor.",
                        Paths.get("target", "classes"), jars)) {
                    failures.add(plugin + " on Spring Cloud " + line.getKey() + ": " + problem);
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }
}
