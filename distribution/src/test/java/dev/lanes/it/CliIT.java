package dev.lanes.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code java -jar lanes-agent.jar ...}: the command line in the agent jar. */
class CliIT {

    private record Result(int exit, String output) {
    }

    private static Result run(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(ChildJvm.java(), "-jar",
                ChildJvm.agentJar().toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out);
    }

    @Test
    void validatesRulesWithTheAgentsOwnValidator(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("good.yaml");
        Files.writeString(good, "lanes:\n  - name: gray\n    tag: gray\n    fallback: none\n");
        Result ok = run("rules", "validate", good.toString());
        assertEquals(0, ok.exit(), ok.output());
        assertTrue(ok.output().contains("valid") && ok.output().contains("1 lanes"), ok.output());

        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "lanes:\n  - name: gray\n    tag: gray\n    fallback: sideways\n");
        Result rejected = run("rules", "validate", bad.toString());
        assertEquals(1, rejected.exit(), rejected.output());
        assertTrue(rejected.output().contains("lanes[0].fallback (line 4)"), rejected.output());

        Result usage = run("rules", "frobnicate");
        assertEquals(2, usage.exit(), usage.output());
        assertTrue(usage.output().contains("usage:"), usage.output());
    }

    @Test
    void printsItsVersion() throws Exception {
        Result version = run("version");
        assertEquals(0, version.exit(), version.output());
        assertTrue(version.output().startsWith("Lanes "), version.output());
    }
}
