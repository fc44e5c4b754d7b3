package dev.lanes.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.lanes.demo.runner.ChainClient;
import dev.lanes.demo.runner.ChainResponse;
import dev.lanes.demo.runner.DemoLine;
import dev.lanes.demo.runner.Hop;
import dev.lanes.demo.runner.InstanceSpec;
import dev.lanes.demo.runner.OwnWorkRun;
import dev.lanes.demo.runner.Registry;
import dev.lanes.demo.runner.ServiceProcess;
import dev.lanes.demo.runner.Topology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The routing scenarios of DESIGN rows 1 to 6 against one topology of real JVMs: a registry,
 * and A (base, gray) -> B (base) -> C (base, gray, dev1), each
 * {@code java -javaagent:lanes-agent.jar [-Dlanes.tag=T] -Dlanes.rules=file:rules.yaml -jar demo-app.jar}
 * of one Spring line on one JDK. Each subclass is one (line, JDK, registry); its scenarios run
 * in order on the one topology it starts, and every request's whole path is asserted: the
 * instance, its service, address and registered tag, and the tag header and {@code x-env}
 * header it received, at every hop. The A instances also run work of their own
 * ({@code demo.own-work}), started by one scenario.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class LaneScenarios {

    static final String TAG_HEADER = "x-lanes-tag";
    /** A header of the application's own, carried down the chain only when the rules list it under propagate. */
    static final String ENV_HEADER = "x-env";
    /** The A instances start work of their own (on main, a thread, a scheduled job) when told to. */
    static final String OWN_WORK = "--demo.own-work=true";
    /**
     * Requests of each kind in a scenario: enough for round robin to reach every candidate many
     * times, and for a router that chose between two candidates at random to be caught: it would
     * send all of them where the scenario expects with probability 2^-30 ≈ 9.3e-10 (below 1e-6
     * from 20 on). Every loop of the scenarios, {@link #send} and the explicit ones, sends this
     * many of each kind.
     */
    static final int REQUESTS = 30;
    /** How long a rule change may take to show; the file source promises about a second. */
    static final Duration RULE_DEADLINE = Duration.ofSeconds(10);
    /** How long the A instances may take for their own work once started: a few calls each. */
    static final Duration OWN_WORK_DEADLINE = Duration.ofSeconds(60);
    /**
     * The scheduled runs of own work ({@code demo.own-work.scheduled-runs}, one every 100 ms): with
     * the runs on main and on its own thread, 20 calls per instance, so that a 50/50 stray passes
     * all of them with 2^-20 ≈ 9.5e-7.
     */
    static final int OWN_WORK_SCHEDULED = 18;
    static final List<String> INSTANCES = List.of("a-base", "a-gray", "b-base", "c-base", "c-gray", "c-dev1");

    static final String NO_RULES = "# No rules: tagged instances alone make the lanes (DESIGN row 9).\n";
    static final String GRAY_FALLS_BACK = """
            lanes:
              - name: gray
                tag: gray
                fallback: base
            """;
    static final String GRAY_STRICT = """
            lanes:
              - name: gray
                tag: gray
                fallback: none
            """;
    /** A route at B on x-env, a header B sees only when the agent carried it from A. */
    static final String ENV_ROUTE = """
            routes:
              - name: env-dev1-to-c-dev1
                service: service-c
                match:
                  headers:
                    x-env: {exact: dev1}
                to: {tag: dev1}
            """;
    /** The route, and x-env carried down the chain (named in another case: header names match in any case). */
    static final String ENV_CARRIED_AND_ROUTED = GRAY_FALLS_BACK + "propagate: [X-Env]\n" + ENV_ROUTE;
    /** The same route without propagate: the header stops at A, so the route never matches. */
    static final String ENV_ROUTED_NOT_CARRIED = GRAY_FALLS_BACK + ENV_ROUTE;
    /** Applied at B (the caller of C): the agent has put the request's tag on B's outbound call. */
    static final String GRAY_CALLS_TO_C_GO_TO_DEV1 = GRAY_FALLS_BACK + """
            routes:
              - name: gray-calls-to-c-go-to-dev1
                service: service-c
                match:
                  headers:
                    x-lanes-tag: gray
                to: {tag: dev1}
            """;

    private final DemoLine line;
    private final int jdkFeature;
    private final Registry.Kind registry;
    private final ChainClient http = new ChainClient();
    protected Topology topology;
    protected RulesFile rules;
    private String label;
    private long classStarted;
    private int requests;
    private boolean logsDumped;

    @RegisterExtension
    final TestWatcher dumpLogsOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (topology != null && !logsDumped) {
                logsDumped = true;
                System.err.println("[scenarios] " + label + ": " + context.getDisplayName()
                        + " failed; logs of every process follow");
                topology.dumpLogs();
            }
        }
    };

    LaneScenarios(DemoLine line, int jdkFeature, Registry.Kind registry) {
        this.line = line;
        this.jdkFeature = jdkFeature;
        this.registry = registry;
    }

    /**
     * Whether the default suite runs this class; a cell of the matrix that others cover (its
     * Spring line on another JDK, its JDK with another line) runs with -Dlanes.it.full-matrix=true.
     */
    boolean inDefaultSuite() {
        return true;
    }

    @BeforeAll
    void startTopology() throws IOException {
        assumeTrue(inDefaultSuite() || Boolean.getBoolean("lanes.it.full-matrix"), () -> getClass().getSimpleName()
                + " runs with -Dlanes.it.full-matrix=true (its line and its JDK are covered by other classes)");
        Jdk jdk = Jdk.find(jdkFeature);
        assumeTrue(jdk != null, () -> getClass().getSimpleName() + " skipped: no JDK " + jdkFeature + " found at "
                + Jdk.lookedAt(jdkFeature));
        label = line.id() + " on JDK " + jdk.version() + " with " + registry.name().toLowerCase();
        classStarted = System.nanoTime();
        Path work = Paths.get("target", "scenarios", getClass().getSimpleName()).toAbsolutePath();
        Files.createDirectories(work);
        rules = new RulesFile(work.resolve("rules.yaml"), getClass().getSimpleName());
        String version = rules.write(NO_RULES);
        Topology.Builder builder = Topology.builder()
                .line(line)
                .java(jdk.home())
                .agent(agentJar(), null)
                .jvmArgs("-Dlanes.rules=file:" + rules.path())
                .registry(registry)
                .workDir(work);
        for (String name : INSTANCES) {
            InstanceSpec spec = InstanceSpec.of(name);
            builder.instance(name.startsWith("a-") ? spec.withAppArgs(OWN_WORK,
                    "--demo.own-work.scheduled-runs=" + OWN_WORK_SCHEDULED, "--demo.own-work.every=100") : spec);
        }
        topology = builder.start();
        rules.awaitApplied(topology, version, RULE_DEADLINE);
        ScenarioReport.line(label + " (" + line.description() + "): " + INSTANCES.size() + " instances up in "
                + seconds(System.nanoTime() - classStarted) + " s; logs in " + work);
    }

    @AfterAll
    void stopTopology() {
        if (topology != null) {
            topology.close();
            ScenarioReport.line(label + ": done in " + seconds(System.nanoTime() - classStarted) + " s");
        }
    }

    @BeforeEach
    void resetCount() {
        requests = 0;
    }

    @AfterEach
    void reportCount(TestInfo test) {
        ScenarioReport.line(label + " | " + test.getDisplayName() + " | " + requests + " requests");
    }

    @Test
    @Order(1)
    @DisplayName("tagged instances are in discovery with their tags (so routing could pick them)")
    void taggedInstancesAreDiscovered() {
        for (String caller : List.of("a-base", "a-gray")) {
            assertDiscovered(caller, "service-b", "b-base");
        }
        assertDiscovered("b-base", "service-c", "c-base", "c-gray", "c-dev1");
    }

    @Test
    @Order(2)
    @DisplayName("untagged traffic never touches a tagged instance")
    void untaggedTrafficStaysOnBase() {
        send(REQUESTS, "a-base", null, "a-base -> b-base -> c-base", "-, -, -");
    }

    @Test
    @Order(3)
    @DisplayName("gray traffic: A-gray -> B-base (fallback) -> C-gray (back in the lane)")
    void grayTrafficFallsBackAndComesBack() {
        send(REQUESTS, "a-gray", "gray", "a-gray -> b-base -> c-gray", "gray, gray, gray");
        send(REQUESTS, "a-base", "gray", "a-base -> b-base -> c-gray", "gray, gray, gray");
    }

    @Test
    @Order(4)
    @DisplayName("node dyeing: untagged traffic entering A-gray is dyed gray")
    void untaggedTrafficEnteringGrayIsDyed() {
        send(REQUESTS, "a-gray", null, "a-gray -> b-base -> c-gray", "-, gray, gray");
    }

    @Test
    @Order(5)
    @DisplayName("header isolation: x-lanes-tag dev1 reaches C-dev1, base elsewhere, and keeps its tag through A-gray")
    void headerIsolation() {
        send(REQUESTS, "a-base", "dev1", "a-base -> b-base -> c-dev1", "dev1, dev1, dev1");
        send(REQUESTS, "a-gray", "dev1", "a-gray -> b-base -> c-dev1", "dev1, dev1, dev1");
    }

    @Test
    @Order(6)
    @DisplayName("a custom route toggled in the rules file takes effect without a restart, and goes again")
    void customRouteToggles() throws IOException {
        boolean restored = false;
        try {
            String on = rules.write(GRAY_CALLS_TO_C_GO_TO_DEV1);
            long on0 = System.nanoTime();
            Duration onLatency = awaitSwitch(on0, "a-base", "gray",
                    "a-base -> b-base -> c-gray", "a-base -> b-base -> c-dev1", "gray, gray, gray");
            rules.awaitApplied(topology, on, RULE_DEADLINE);
            send(REQUESTS, "a-base", "gray", "a-base -> b-base -> c-dev1", "gray, gray, gray");
            send(REQUESTS, "a-gray", null, "a-gray -> b-base -> c-dev1", "-, gray, gray");
            send(REQUESTS, "a-base", null, "a-base -> b-base -> c-base", "-, -, -");
            send(REQUESTS, "a-base", "dev1", "a-base -> b-base -> c-dev1", "dev1, dev1, dev1");

            String off = rules.write(GRAY_FALLS_BACK);
            long off0 = System.nanoTime();
            Duration offLatency = awaitSwitch(off0, "a-base", "gray",
                    "a-base -> b-base -> c-dev1", "a-base -> b-base -> c-gray", "gray, gray, gray");
            rules.awaitApplied(topology, off, RULE_DEADLINE);
            restored = true;
            send(REQUESTS, "a-base", "gray", "a-base -> b-base -> c-gray", "gray, gray, gray");
            ScenarioReport.line(label + " | custom route: rules file renamed -> first request routed by it: "
                    + millis(onLatency) + " ms; route removed -> first request routed without it: "
                    + millis(offLatency) + " ms");
        } finally {
            if (!restored) {
                restoreGrayFallback();
            }
        }
    }

    @Test
    @Order(7)
    @DisplayName("a strict lane (fallback: none) fails fast naming the service and the lane; other lanes go on")
    void strictLaneFailsFast() throws IOException {
        boolean restored = false;
        try {
            rules.awaitApplied(topology, rules.write(GRAY_STRICT), RULE_DEADLINE);
            sendFailing(REQUESTS, "a-base", "gray", "gray", "service-b", "gray");
            sendFailing(REQUESTS, "a-gray", null, "-", "service-b", "gray");
            send(REQUESTS, "a-base", null, "a-base -> b-base -> c-base", "-, -, -");
            send(REQUESTS, "a-base", "dev1", "a-base -> b-base -> c-dev1", "dev1, dev1, dev1");

            restoreGrayFallback();
            restored = true;
            send(REQUESTS, "a-base", "gray", "a-base -> b-base -> c-gray", "gray, gray, gray");
        } finally {
            if (!restored) {
                restoreGrayFallback();
            }
        }
    }

    @Test
    @Order(8)
    @DisplayName("work an instance starts itself (on main, an own thread, @Scheduled) carries its tag: gray on a-gray, none on a-base")
    void ownWorkCarriesTheInstanceTag() {
        for (String a : List.of("a-gray", "a-base")) {
            assertTrue(http.startOwnWork(topology.url(a)), a + " did not start its own work");
        }
        // Not in a lane's request: a-gray's tag alone sends its calls to gray (C) or, where a
        // service has none (B), to base with the tag kept.
        for (OwnWorkRun run : awaitOwnWork("a-gray")) {
            assertOwnWork(run, "a-gray -> b-base -> c-gray", "-, gray, gray");
        }
        for (OwnWorkRun run : awaitOwnWork("a-base")) {
            assertOwnWork(run, "a-base -> b-base -> c-base", "-, -, -");
        }
    }

    @Test
    @Order(9)
    @DisplayName("x-env listed under propagate travels A -> B -> C and a route at B matches it; absent, other values and without propagate it routes as before")
    void carriedHeaderIsRoutedAtALaterHop() throws IOException {
        try {
            rules.awaitApplied(topology, rules.write(ENV_CARRIED_AND_ROUTED), RULE_DEADLINE);
            // REQUESTS of each kind: a 50/50 stray passes them all with 2^-30 ≈ 9.3e-10.
            for (int i = 0; i < REQUESTS; i++) {
                // Sent to A only; B never forwards it, the agent does, and B's call to C is routed by it.
                assertPath(request("a-base", Map.of(ENV_HEADER, "dev1")), "a-base -> b-base -> c-dev1", "-, -, -",
                        "dev1, dev1, dev1");
                // Interleaved on the same threads: nothing carried over from the request before.
                assertPath(request("a-base", Map.of()), "a-base -> b-base -> c-base", "-, -, -", "-, -, -");
                assertPath(request("a-base", Map.of(ENV_HEADER, "prod")), "a-base -> b-base -> c-base", "-, -, -",
                        "prod, prod, prod");
                // The route wins over the lane for its hop; the tag goes on unchanged.
                assertPath(request("a-base", Map.of(TAG_HEADER, "gray", ENV_HEADER, "dev1")),
                        "a-base -> b-base -> c-dev1", "gray, gray, gray", "dev1, dev1, dev1");
                assertPath(request("a-gray", Map.of(ENV_HEADER, "dev1")), "a-gray -> b-base -> c-dev1",
                        "-, gray, gray", "dev1, dev1, dev1");
                assertPath(request("a-gray", Map.of(ENV_HEADER, "prod")), "a-gray -> b-base -> c-gray",
                        "-, gray, gray", "prod, prod, prod");
            }
            rules.awaitApplied(topology, rules.write(ENV_ROUTED_NOT_CARRIED), RULE_DEADLINE);
            send(REQUESTS, "a-base", Map.of(ENV_HEADER, "dev1"), "a-base -> b-base -> c-base", "-, -, -",
                    "dev1, -, -");
            send(REQUESTS, "a-gray", Map.of(ENV_HEADER, "dev1"), "a-gray -> b-base -> c-gray", "-, gray, gray",
                    "dev1, -, -");
        } finally {
            restoreGrayFallback();
        }
    }

    /** Back to the gray lane with fallback: base, applied by every instance. */
    void restoreGrayFallback() throws IOException {
        rules.awaitApplied(topology, rules.write(GRAY_FALLS_BACK), RULE_DEADLINE);
    }

    /**
     * B calls C with each of the given HTTP clients: b-base is replaced by one base instance of
     * B per client ({@code demo.client}), then the gray chain, node dyeing, header isolation and
     * untagged traffic run through each. A's calls spread over all of them.
     */
    void otherClientsOnB(List<String> clients) throws IOException {
        topology.stopInstance("b-base");
        List<InstanceSpec> specs = new ArrayList<>();
        for (String client : clients) {
            specs.add(new InstanceSpec("b-" + client, "service-b", "service-c", null, List.of(),
                    List.of("--demo.client=" + client)));
        }
        topology.startInstances(specs);
        for (String client : clients) {
            String b = "b-" + client;
            send(REQUESTS, b, null, b + " -> c-base", "-, -");
            send(REQUESTS, b, "gray", b + " -> c-gray", "gray, gray");
            send(REQUESTS, b, "dev1", b + " -> c-dev1", "dev1, dev1");
        }
        Map<String, Integer> servedByB = new LinkedHashMap<>();
        // REQUESTS of each kind: a 50/50 stray passes them all with 2^-30 ≈ 9.3e-10.
        for (int i = 0; i < REQUESTS; i++) {
            ChainResponse dyed = request("a-gray", Map.of());
            String b = dyed.hops().size() > 1 ? dyed.hops().get(1).instance() : "?";
            assertTrue(specs.stream().anyMatch(s -> s.name().equals(b)), dyed.body());
            assertPath(dyed, "a-gray -> " + b + " -> c-gray", "-, gray, gray");
            servedByB.merge(b, 1, Integer::sum);
            ChainResponse untagged = request("a-base", Map.of());
            String b2 = untagged.hops().size() > 1 ? untagged.hops().get(1).instance() : "?";
            assertTrue(specs.stream().anyMatch(s -> s.name().equals(b2)), untagged.body());
            assertPath(untagged, "a-base -> " + b2 + " -> c-base", "-, -, -");
            servedByB.merge(b2, 1, Integer::sum);
        }
        ScenarioReport.line(label + " | A's calls over the B clients: " + servedByB);

        // x-env carried by each client of B and routed at B: sent to B, and sent to A only.
        rules.awaitApplied(topology, rules.write(ENV_CARRIED_AND_ROUTED), RULE_DEADLINE);
        try {
            for (String client : clients) {
                String b = "b-" + client;
                send(REQUESTS, b, Map.of(ENV_HEADER, "dev1"), b + " -> c-dev1", "-, -", "dev1, dev1");
                send(REQUESTS, b, Map.of(TAG_HEADER, "gray", ENV_HEADER, "prod"), b + " -> c-gray", "gray, gray",
                        "prod, prod");
                send(REQUESTS, b, Map.of(), b + " -> c-base", "-, -", "-, -");
            }
            // REQUESTS of each kind: a 50/50 stray passes them all with 2^-30 ≈ 9.3e-10.
            for (int i = 0; i < REQUESTS; i++) {
                ChainResponse carried = request("a-base", Map.of(ENV_HEADER, "dev1"));
                String b = carried.hops().size() > 1 ? carried.hops().get(1).instance() : "?";
                assertTrue(specs.stream().anyMatch(s -> s.name().equals(b)), carried.body());
                assertPath(carried, "a-base -> " + b + " -> c-dev1", "-, -, -", "dev1, dev1, dev1");
            }
        } finally {
            restoreGrayFallback();
        }
    }

    // ---------------------------------------------------------------- requests and assertions

    /**
     * {@code n} requests into {@code entry}, each of which must take exactly {@code path}, with no
     * x-env anywhere. With {@link #REQUESTS}, a 50/50 stray passes all with 2^-30 ≈ 9.3e-10.
     */
    void send(int n, String entry, String tagHeader, String path, String seen) {
        for (int i = 0; i < n; i++) {
            assertPath(request(entry, tagHeader), path, seen);
        }
    }

    /** {@code n} requests with these headers into {@code entry}, each of which must take exactly {@code path}. */
    void send(int n, String entry, Map<String, String> headers, String path, String seen, String env) {
        for (int i = 0; i < n; i++) {
            assertPath(request(entry, headers), path, seen, env);
        }
    }

    /** {@code n} requests that must fail at {@code entry}, before any call leaves it, with the strict-lane error. */
    void sendFailing(int n, String entry, String tagHeader, String seen, String service, String lane) {
        for (int i = 0; i < n; i++) {
            ChainResponse response = request(entry, tagHeader);
            assertEquals(502, response.status(), response.body());
            assertHops(response, entry, seen);
            ServiceProcess at = topology.instance(entry);
            assertNotNull(response.error(), response.body());
            assertEquals(at.spec().service(), response.error().get("service"), response.body());
            assertEquals(service, response.error().get("calling"), response.body());
            String message = response.errorMessage();
            assertTrue(message.contains("LaneUnavailableException"), response.body());
            assertTrue(message.contains("service '" + service + "'"), response.body());
            assertTrue(message.contains("lane '" + lane + "'"), response.body());
        }
    }

    ChainResponse request(String entry, String tagHeader) {
        return request(entry, tagHeader == null ? Map.of() : Map.of(TAG_HEADER, tagHeader));
    }

    ChainResponse request(String entry, Map<String, String> headers) {
        requests++;
        return http.get(topology.url(entry), headers);
    }

    /** 200, no error, and every hop as expected, none of them with an x-env header. */
    void assertPath(ChainResponse response, String path, String seen) {
        assertPath(response, path, seen, null);
    }

    /** 200, no error, and every hop as expected, with the x-env header of {@code env} (null: none anywhere). */
    void assertPath(ChainResponse response, String path, String seen, String env) {
        assertEquals(200, response.status(), response.body());
        assertNull(response.error(), response.body());
        assertHops(response, path, seen, env);
    }

    void assertHops(ChainResponse response, String path, String seen) {
        assertHops(response, path, seen, null);
    }

    /**
     * The hops are exactly the instances of {@code path} ("a-gray -> b-base -> c-gray"), each
     * with its service, 127.0.0.1 and its port, the tag it was started with as registered by the
     * agent, the client it called on with, the tag header of {@code seen} ("-, gray, gray") and the
     * x-env header of {@code env} ("dev1, dev1, dev1"; null: none at any hop).
     */
    void assertHops(ChainResponse response, String path, String seen, String env) {
        String[] names = path.split(" -> ");
        String[] tags = seen.split(", ");
        String[] envs = env == null ? null : env.split(", ");
        assertEquals(names.length, tags.length, "test: path and seen differ in length");
        assertTrue(envs == null || envs.length == names.length, "test: path and env differ in length");
        assertEquals(List.of(names), response.instances(), response.body());
        for (int i = 0; i < names.length; i++) {
            Hop hop = response.hops().get(i);
            ServiceProcess served = topology.instance(names[i]);
            String where = "hop " + (i + 1) + " (" + names[i] + ") of " + response.body();
            assertEquals(served.spec().service(), hop.service(), where);
            assertEquals("127.0.0.1", hop.host(), where);
            assertEquals(served.port(), hop.port(), where);
            assertEquals(served.spec().tag(), hop.tag(), "registered tag, " + where);
            assertEquals("-".equals(tags[i]) ? null : tags[i], hop.seenTag(), "tag header received, " + where);
            String expectedEnv = envs == null || "-".equals(envs[i]) ? null : envs[i];
            assertEquals(expectedEnv, hop.seenEnv(), ENV_HEADER + " header received, " + where);
            if (i < names.length - 1) {
                assertEquals(clientOf(served.spec()), hop.client(), "client, " + where);
            }
        }
    }

    /**
     * Waits until {@code instance} has done all of its own work (once on main, once on its own
     * thread, {@code OWN_WORK_SCHEDULED} scheduled runs) and returns the runs; each must have run
     * on its kind of thread.
     */
    List<OwnWorkRun> awaitOwnWork(String instance) {
        long deadline = System.nanoTime() + OWN_WORK_DEADLINE.toNanos();
        while (true) {
            List<OwnWorkRun> runs = http.ownWork(topology.url(instance));
            Map<String, Integer> byWork = new HashMap<>();
            for (OwnWorkRun run : runs) {
                byWork.merge(run.work(), 1, Integer::sum);
            }
            if (byWork.getOrDefault("main", 0) == 1 && byWork.getOrDefault("thread", 0) == 1
                    && byWork.getOrDefault("scheduled", 0) == OWN_WORK_SCHEDULED) {
                for (OwnWorkRun run : runs) {
                    String thread = switch (run.work()) {
                        case "main" -> "main";
                        case "thread" -> "demo-own-work";
                        default -> null;
                    };
                    if (thread != null) {
                        assertEquals(thread, run.thread(), instance + "'s own work: " + run);
                    }
                }
                requests += runs.size();
                return runs;
            }
            if (System.nanoTime() > deadline) {
                fail(instance + " did not finish its own work within " + OWN_WORK_DEADLINE + ": " + runs);
            }
            RulesFile.sleep(200);
        }
    }

    /** One run of an instance's own work took {@code path}, starting at the instance itself, which received nothing. */
    void assertOwnWork(OwnWorkRun run, String path, String seen) {
        String where = run.work() + " on " + run.thread() + ": " + run.answer().body();
        assertTrue(run.answer().ok(), where);
        assertEquals("own-work", run.answer().hops().get(0).via(), where);
        assertHops(run.answer(), path, seen);
    }

    /**
     * Sends requests one after another from {@code changedAt} until one takes {@code after};
     * every request before it must take {@code before}. Returns the time from the change to the
     * answer of that first request: a measurement, reported, not asserted.
     */
    Duration awaitSwitch(long changedAt, String entry, String tagHeader, String before, String after, String seen) {
        long deadline = changedAt + RULE_DEADLINE.toNanos();
        while (true) {
            ChainResponse response = request(entry, tagHeader);
            long answered = System.nanoTime();
            if (response.ok() && String.join(" -> ", response.instances()).equals(after)) {
                assertPath(response, after, seen);
                return Duration.ofNanos(answered - changedAt);
            }
            assertPath(response, before, seen);
            if (answered > deadline) {
                fail("the rule change did not take effect within " + RULE_DEADLINE + ": still " + before);
            }
        }
    }

    /**
     * The discovery client of {@code caller} lists exactly these instances of {@code service},
     * each with the tag it was started with as metadata {@code lanes.tag}, and a start time.
     */
    void assertDiscovered(String caller, String service, String... instances) {
        List<Map<String, Object>> seen = topology.instance(caller).discovered(service);
        assertNotNull(seen, caller + " did not answer /instances/" + service);
        Map<Integer, Object> tagByPort = new HashMap<>();
        for (Map<String, Object> instance : seen) {
            Object metadata = instance.get("metadata");
            assertTrue(metadata instanceof Map, caller + " sees " + seen);
            Map<?, ?> meta = (Map<?, ?>) metadata;
            assertNotNull(meta.get("lanes.start"), "lanes.start published, " + caller + " sees " + seen);
            tagByPort.put(((Number) instance.get("port")).intValue(), meta.get("lanes.tag"));
        }
        Map<Integer, Object> expected = new HashMap<>();
        for (String name : instances) {
            ServiceProcess instance = topology.instance(name);
            expected.put(instance.port(), instance.spec().tag());
        }
        assertEquals(expected, tagByPort, caller + " sees " + seen);
    }

    private static String clientOf(InstanceSpec spec) {
        for (String arg : spec.appArgs()) {
            if (arg.startsWith("--demo.client=")) {
                return arg.substring("--demo.client=".length());
            }
        }
        return "resttemplate";
    }

    static Path agentJar() {
        String configured = System.getProperty("lanes.agent.jar");
        Path jar = configured != null && !configured.isBlank() ? Paths.get(configured)
                : DemoLine.repositoryRoot().resolve("distribution").resolve("target").resolve("lanes-agent.jar");
        assertTrue(Files.isRegularFile(jar), "agent jar not found at " + jar + "; build it with ./mvnw -B package");
        return jar.toAbsolutePath().normalize();
    }

    static String seconds(long nanos) {
        return String.format("%.1f", nanos / 1e9);
    }

    static long millis(Duration d) {
        return d.toMillis();
    }
}
