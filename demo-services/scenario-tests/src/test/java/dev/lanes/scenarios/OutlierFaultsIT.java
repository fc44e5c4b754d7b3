package dev.lanes.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.lanes.demo.runner.DemoLine;
import dev.lanes.demo.runner.InstanceSpec;
import dev.lanes.demo.runner.Ports;
import dev.lanes.demo.runner.ServiceProcess;
import dev.lanes.demo.runner.Topology;
import dev.lanes.demo.runner.bench.ConstantLoad;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Outlier removal under faults, through a real chain (Spring Boot 3.3, ZooKeeper, agent on every
 * JVM): constant load on A, which calls three instances of B through a {@code @LoadBalanced
 * RestTemplate} with a 1 s read timeout. One instance of B answers 500s, then another fails
 * every third call (ejected by its failure percentage), then one hangs, then one is killed
 * (SIGKILL). For each it prints the requests that failed before the
 * instance was left out and how long that took (never asserted), and asserts the behaviour:
 * it is left out, and once it is, no request reaches it (or, for the killed one, none fails).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutlierFaultsIT {

    private static final double RATE = 50;
    private static final long BASE_EJECTION_MILLIS = 8_000L;
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final Pattern EJECTIONS = Pattern.compile("lanes_ejections_total\\{service=\"service-b\"} (\\d+)");
    private static final Pattern CLOSINGS = Pattern.compile("lanes_closings_total\\{service=\"service-b\"} (\\d+)");

    private Topology topology;
    private int adminPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @RegisterExtension
    final TestWatcher dumpLogsOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (topology != null) {
                System.err.println("[scenarios] OutlierFaultsIT failed; logs of every process follow");
                topology.dumpLogs();
            }
        }
    };

    @BeforeAll
    void start() throws IOException {
        Jdk jdk = Jdk.find(17);
        assumeTrue(jdk != null, () -> "OutlierFaultsIT skipped: no JDK 17 found at " + Jdk.lookedAt(17));
        Path work = Paths.get("target", "scenarios", "OutlierFaultsIT").toAbsolutePath();
        Files.createDirectories(work);
        Path rules = work.resolve("rules.yaml");
        Files.writeString(rules, "version: outlier-1\noutlier: {consecutiveErrors: 5, interval: 10s, baseEjection: "
                + BASE_EJECTION_MILLIS + "ms, maxEjectionPercent: 50, panicThreshold: 50, failurePercent: 30}\n");
        adminPort = Ports.free();
        String cache = ServiceProcess.LB_CACHE + "=true";
        Topology.Builder builder = Topology.builder().line(DemoLine.BOOT33).java(jdk.home())
                .agent(LaneScenarios.agentJar(), null).jvmArgs("-Dlanes.rules=file:" + rules).workDir(work)
                .instance(new InstanceSpec("a1", "service-a", "service-b", null,
                        List.of("-Dlanes.admin.port=" + adminPort), List.of(cache, "--demo.read-timeout-ms=1000")));
        for (int i = 1; i <= 3; i++) {
            builder.instance(new InstanceSpec("b" + i, "service-b", "", null, List.of(), List.of(cache)));
        }
        topology = builder.start();
    }

    @AfterAll
    void stop() {
        if (topology != null) {
            topology.close();
        }
    }

    @Test
    void anInstanceThatFailsFlapsHangsOrDiesIsLeftOutAndThenReceivesNothing() throws Exception {
        ConstantLoad load = new ConstantLoad(topology.url("a1") + "/chain", RATE, 32).start();
        try {
            Thread.sleep(3_000);
            assertEquals(0, load.failedSoFar(), "no failure before any fault");

            // 1. Answers 500.
            ServiceProcess b1 = topology.instance("b1");
            Phase errors = phase(load, EJECTIONS, () -> fault(b1, "error"));
            assertNothingReaches(b1);
            fault(b1, "none");
            report("HTTP 500s", errors, load);
            Thread.sleep(BASE_EJECTION_MILLIS + 1_000);

            // 2. Fails every third call, never two in a row: its failure percentage (33 % of at
            // least 20 calls within the interval) ejects it, consecutive errors never would.
            ServiceProcess b3 = topology.instance("b3");
            Phase flaky = phase(load, EJECTIONS, () -> fault(b3, "flaky"));
            assertNothingReaches(b3);
            fault(b3, "none");
            report("fails every third call", flaky, load);
            Thread.sleep(BASE_EJECTION_MILLIS + 1_000);

            // 3. Hangs: A's calls time out after 1 s.
            ServiceProcess b2 = topology.instance("b2");
            Phase hangs = phase(load, EJECTIONS, () -> fault(b2, "hang"));
            assertNothingReaches(b2);
            fault(b2, "none");
            report("hangs (1 s read timeout)", hangs, load);
            Thread.sleep(BASE_EJECTION_MILLIS + 1_000);

            // 4. Killed: refused connections; the call is retried on another instance.
            Phase killed = phase(load, CLOSINGS, b3::kill);
            long failedAfterDrop = load.failedSoFar();
            Thread.sleep(3_000);
            report("killed (SIGKILL)", killed, load);
            assertEquals(failedAfterDrop, load.failedSoFar(), "no request fails once the dead instance is left out");
        } finally {
            ConstantLoad.Result result = load.stop();
            ScenarioReport.line(String.format(Locale.ROOT, "OutlierFaultsIT: %d requests at %.0f/s, %d failed in all: %s",
                    result.sent(), RATE, result.failed(), result.reasons()));
        }
    }

    /**
     * What one fault cost: requests failed until the instance was left out, the time that took,
     * and where the fault began counting from (for the failures of calls still in flight then).
     */
    private record Phase(long failed, double seconds, long failedAtStart) {
    }

    private interface Fault {
        void start() throws Exception;
    }

    private Phase phase(ConstantLoad load, Pattern counter, Fault fault) throws Exception {
        long before = counter(counter);
        long failedBefore = load.failedSoFar();
        long t0 = System.nanoTime();
        fault.start();
        long deadline = t0 + DEADLINE.toNanos();
        while (counter(counter) <= before) {
            assertTrue(System.nanoTime() < deadline, "the instance was not left out within " + DEADLINE);
            Thread.sleep(20);
        }
        return new Phase(load.failedSoFar() - failedBefore, (System.nanoTime() - t0) / 1e9, failedBefore);
    }

    /** Reports a phase once the instance has been left out for a while: calls in flight then have ended. */
    private void report(String fault, Phase phase, ConstantLoad load) {
        String line = String.format(Locale.ROOT, "OutlierFaultsIT: %s: left out %.2f s after the fault began; "
                + "%d requests failed before, %d in all (calls sent to it before then, ending after) "
                + "at %.0f requests/s over three instances", fault, phase.seconds(), phase.failed(),
                load.failedSoFar() - phase.failedAtStart(), RATE);
        System.out.println(line);
        ScenarioReport.line(line);
    }

    /** Once left out, the instance receives no request for 3 s (its ejection lasts longer). */
    private void assertNothingReaches(ServiceProcess instance) throws Exception {
        Thread.sleep(1_200); // calls already sent when it was ejected arrive or time out
        long received = received(instance);
        Thread.sleep(3_000);
        assertEquals(received, received(instance), instance.name() + " received requests while ejected");
    }

    private void fault(ServiceProcess instance, String mode) throws IOException, InterruptedException {
        HttpResponse<String> r = get(instance.baseUrl() + "/fault?mode=" + mode);
        assertEquals(200, r.statusCode(), r.body());
    }

    private long received(ServiceProcess instance) throws IOException, InterruptedException {
        Matcher m = Pattern.compile("\"received\":\\s*(\\d+)").matcher(get(instance.baseUrl() + "/fault").body());
        assertTrue(m.find());
        return Long.parseLong(m.group(1));
    }

    private long counter(Pattern pattern) throws IOException, InterruptedException {
        Matcher m = pattern.matcher(get("http://127.0.0.1:" + adminPort + "/lanes/metrics").body());
        return m.find() ? Long.parseLong(m.group(1)) : 0L;
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
