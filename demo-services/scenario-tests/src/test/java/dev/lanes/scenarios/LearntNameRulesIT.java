package dev.lanes.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.lanes.demo.runner.ChainClient;
import dev.lanes.demo.runner.ChainResponse;
import dev.lanes.demo.runner.DemoLine;
import dev.lanes.demo.runner.InstanceSpec;
import dev.lanes.demo.runner.Registry;
import dev.lanes.demo.runner.ServiceProcess;
import dev.lanes.demo.runner.Topology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Most services never set {@code lanes.app}: their name is Spring's, given to the application,
 * not to the JVM, so the agent learns it only when the service registers. Here service-a runs
 * with a ZooKeeper rule source and no name the agent can see at start; once registered, it must
 * follow a rule pushed to its own node, {@code /lanes/rules/service-a}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LearntNameRulesIT {

    private static final Duration RULE_DEADLINE = Duration.ofSeconds(20);
    /**
     * Requests per check of where A's calls go, between b-base and b-gray: a router that chose
     * between them at random would send all of them to the expected one with probability
     * 2^-20 ≈ 9.5e-7 (round robin, Spring Cloud's default, would show at the second).
     */
    private static final int REQUESTS = 20;

    private Topology topology;
    private String source;
    private Path work;
    private final ChainClient http = new ChainClient();

    @RegisterExtension
    final TestWatcher dumpLogsOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (topology != null) {
                System.err.println("[scenarios] LearntNameRulesIT failed; logs of every process follow");
                topology.dumpLogs();
            }
        }
    };

    @BeforeAll
    void start() throws IOException {
        Jdk jdk = Jdk.find(17);
        assumeTrue(jdk != null, () -> "LearntNameRulesIT skipped: no JDK 17 found at " + Jdk.lookedAt(17));
        work = Paths.get("target", "scenarios", "LearntNameRulesIT").toAbsolutePath();
        Files.createDirectories(work);
        topology = Topology.builder()
                .line(DemoLine.BOOT35)
                .java(jdk.home())
                .agent(LaneScenarios.agentJar(), null)
                .registry(Registry.Kind.ZOOKEEPER)
                .workDir(work)
                .start();
        // The registry's ZooKeeper holds the rules too. No lanes.app, and the name Spring uses is an
        // application argument: the agent cannot see it at start.
        source = "zookeeper://" + topology.zooKeeper().connectString() + "/lanes/rules";
        String rules = "-Dlanes.rules=" + source;
        topology.startInstances(List.of(
                InstanceSpec.of("a-base").withJvmArgs(rules),
                InstanceSpec.of("b-base").withNext("").withJvmArgs(rules),
                InstanceSpec.of("b-gray").withNext("").withJvmArgs(rules)));
    }

    @AfterAll
    void stop() {
        if (topology != null) {
            topology.close();
        }
    }

    @Test
    void aServiceNamedOnlyByItsSpringSettingsFollowsARulePushedToItsOwnNode() throws Exception {
        ServiceProcess a = topology.instance("a-base");
        String log = a.logText();
        assertTrue(log.contains("app=(unknown)"), "the agent started without a name");
        assertTrue(log.contains("application name 'service-a' learnt from the framework"), log);
        assertTrue(log.contains("reads its document zookeeper:/lanes/rules/service-a from now on"),
                "one line says the source reads the application's own node");
        assertEquals(List.of("b-base"), secondHops(a), "no rules: untagged calls go to base");

        long pushed = System.nanoTime();
        Path rules = work.resolve("service-a.yaml");
        Files.writeString(rules, "version: learnt-1\nroutes:\n  - service: service-b\n    to: {tag: gray}\n");
        push(rules, "service-a");
        awaitLog(a, "version learnt-1,");
        ScenarioReport.line("LearntNameRulesIT: a rule pushed to /lanes/rules/service-a took effect "
                + LaneScenarios.seconds(System.nanoTime() - pushed) + " s after the push (CLI start included)");
        assertEquals(List.of("b-gray"), secondHops(a), "the application's own rule routes service-a's calls");
    }

    /** The distinct instances that served the second hop of {@link #REQUESTS} requests. */
    private List<String> secondHops(ServiceProcess entry) {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            ChainResponse r = http.get(entry.baseUrl());
            assertTrue(r.ok() && r.hops().size() == 2, r.body());
            String served = r.hops().get(1).instance();
            if (!seen.contains(served)) {
                seen.add(served);
            }
        }
        return seen;
    }

    /** Pushes with the agent jar's own command line, as a user does. */
    private void push(Path file, String app) throws Exception {
        Process p = new ProcessBuilder(topology.launch().java().toString(), "-jar",
                LaneScenarios.agentJar().toString(), "rules", "push", file.toString(), "--source", source, "--app", app)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "rules push ended");
        assertEquals(0, p.exitValue(), out);
    }

    private static void awaitLog(ServiceProcess instance, String marker) {
        long deadline = System.nanoTime() + RULE_DEADLINE.toNanos();
        while (!instance.logText().contains(marker)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(instance.name() + " did not log '" + marker + "' within " + RULE_DEADLINE);
            }
            RulesFile.sleep(100);
        }
    }
}
