package dev.lanes.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import dev.lanes.demo.runner.DemoLine;
import dev.lanes.demo.runner.bench.RollingRestart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The rolling restart at CI size (bench/rolling-restart.sh is the full one), across both kinds
 * of hop: Apache Dubbo 3.3 on Spring Boot 3.5 and ZooKeeper, A -> B => D -> C with two instances
 * each of B, D and C; A calls B with Spring Cloud LoadBalancer and its default 35 s instance
 * cache, B calls D over Dubbo with Dubbo's defaults (interface- and application-level
 * registration, the consumer on APPLICATION_FIRST) and {@code retries=0}. Constant load on A
 * while each instance of B, then of D, gets SIGTERM and is replaced by a new process, with the
 * agent (lossless, warm-up). Asserts that no request failed, and that the agent held and
 * withdrew each D's application-level instance as well as its provider URLs. With
 * -Dlanes.it.full-matrix=true the same sequence also runs without the agent (two minutes more),
 * as bench/rolling-restart.sh always does; the numbers of each arm are printed and written to
 * the scenario report.
 */
class RollingRestartIT {

    private static final boolean WITHOUT_AGENT_TOO = Boolean.getBoolean("lanes.it.full-matrix");
    private static final double RATE = Double.parseDouble(System.getProperty("lanes.it.restart.rate", "40"));

    @Test
    @Timeout(1500)
    void noRequestFailsWithTheAgentWhileEveryInstanceOfBThenDRestarts() throws IOException {
        Jdk jdk = Jdk.find(17);
        assumeTrue(jdk != null, () -> "RollingRestartIT skipped: no JDK 17 found at " + Jdk.lookedAt(17));
        Path work = Paths.get("target", "scenarios", "RollingRestartIT").toAbsolutePath();
        RollingRestart.Options options = RollingRestart.Options.parse(new String[] {
            "--rate", String.valueOf(RATE), "--instances", "2", "--workers", "32", "--before", "4", "--after", "4",
            "--agent", LaneScenarios.agentJar().toString(), "--java", jdk.home().toString(),
            "--line", DemoLine.DUBBO33.id(), "--chain", "dubbo", "--restart", "b,d", "--work-dir", work.toString(),
            "--arms", WITHOUT_AGENT_TOO ? "agent,bare" : "agent"});
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new TestOutput.Tee(captured, System.out), true, StandardCharsets.UTF_8);
        List<RollingRestart.Arm> arms;
        try {
            arms = RollingRestart.runArms(options, out);
        } catch (IOException | RuntimeException e) {
            TestOutput.printLogs(work);
            throw e;
        }
        RollingRestart.print(arms, options, out);
        String table = captured.toString(StandardCharsets.UTF_8);
        for (String line : table.lines().toList()) {
            if (line.startsWith("agent ") || line.startsWith("bare ") || line.startsWith("== rolling")
                    || line.startsWith("  ")) {
                ScenarioReport.line("RollingRestartIT: " + line);
            }
        }
        RollingRestart.Arm agent = arms.get(0);
        assertEquals("agent", agent.name());
        assertTrue(agent.load().sent() > RATE * 20, "the load ran through the restarts: " + agent.load().sent());
        if (WITHOUT_AGENT_TOO) {
            RollingRestart.Arm bare = arms.get(1);
            assertTrue(bare.load().sent() > RATE * 20, "the run without the agent ran too: " + bare.load().sent());
        }
        if (agent.load().failed() != 0) {
            TestOutput.printLogs(work.resolve("agent"));
        }
        assertEquals(0, agent.load().failed(), "requests failed with the agent: " + agent.load().reasons());
        // Each D the agent stopped withdrew its application-level instance before draining, and
        // each replacement's was held until the application was ready.
        for (String stopped : List.of("d1", "d2")) {
            String log = Files.readString(work.resolve("agent").resolve(stopped + ".log"));
            assertTrue(log.contains("lossless: deregistered Dubbo application instance"), stopped + ": " + tail(log));
        }
        for (String replacement : List.of("d1.2", "d2.2")) {
            String log = Files.readString(work.resolve("agent").resolve(replacement + ".log"));
            assertTrue(log.contains("lossless: holding back the registration of Dubbo application instance"),
                    replacement + ": " + tail(log));
        }
    }

    private static String tail(String log) {
        return log.length() <= 4000 ? log : log.substring(log.length() - 4000);
    }
}
