package dev.lanes.it.dubbo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

import dev.lanes.demo.runner.ChainClient;
import dev.lanes.demo.runner.ChainResponse;
import dev.lanes.demo.runner.DemoLine;
import dev.lanes.demo.runner.Hop;
import dev.lanes.demo.runner.InstanceSpec;
import dev.lanes.demo.runner.Json;
import dev.lanes.demo.runner.OwnWorkRun;
import dev.lanes.demo.runner.Ports;
import dev.lanes.demo.runner.ServiceProcess;
import dev.lanes.demo.runner.Topology;

/**
 * The routing scenarios of the Spring Cloud issue, across the protocol boundary, for one Dubbo
 * line: real JVMs with the agent, a real ZooKeeper, the chain
 * {@code A -> B => D -> C} (HTTP, Dubbo, HTTP) with a base and a gray instance of A, D and C, a
 * dev1 instance of D only, and a Dubbo client from outside that runs without the agent; B and a
 * gray consumer of D of its own (W, {@code w-gray => D}) also run work of their own
 * ({@code demo.own-work}), started by one scenario. Each response reports every hop, so each
 * test asserts the whole path. One topology serves all the scenarios of a line; on failure the
 * logs of every process are printed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class DubboLaneScenarios {

    static final String TAG = "x-lanes-tag";
    /** A header of the application's own, carried down the chain only when the rules list it under propagate. */
    static final String ENV = "x-env";
    static final String OWN_WORK = "--demo.own-work=true";
    /**
     * Runs of each own-work instance: once on main, once on its own thread, the rest scheduled,
     * as many as the requests of a kind ({@link #REQUESTS}) and for the same reason.
     */
    static final int OWN_WORK_RUNS = 20;
    static final List<String> OWN_WORK_ARGS = List.of(OWN_WORK,
            "--demo.own-work.scheduled-runs=" + (OWN_WORK_RUNS - 2), "--demo.own-work.every=100");
    static final String SERVICE = "dev.lanes.demo.dubbo.ChainService";
    /**
     * Requests of each kind a scenario asserts. Dubbo's default load balance picks at random, and
     * every hop a wrong router would leave to it has at least two candidates: such a router takes
     * the right one every time with probability at most 2^-20 ≈ 9.5e-7 (with D's three, 3^-20
     * ≈ 2.9e-10). Twenty is the fewest for which that is below one in a million.
     */
    static final int REQUESTS = 20;
    static final String GRAY_LANE = String.join("\n",
            "lanes:",
            "  - name: gray",
            "    tag: gray",
            "    fallback: base",
            "");

    private Topology topology;
    private Path rules;
    /** The admin endpoints of B and of a provider of D, for what the console reads. */
    private final Map<String, Integer> adminPorts = new java.util.LinkedHashMap<>();
    /** The interface of the Dubbo hop B => D. */
    static final String DUBBO_SERVICE = "dev.lanes.demo.dubbo.ChainService";
    private final ChainClient client = new ChainClient(Duration.ofSeconds(30));

    @RegisterExtension
    final TestWatcher dumpLogsOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (topology != null) {
                System.err.println("==== " + context.getDisplayName() + " failed on " + line() + "; logs follow");
                topology.dumpLogs();
            }
        }
    };

    /** The Dubbo line under test. */
    abstract DemoLine line();

    /** B's consumer discovery on Dubbo 3 ("interface" or "instance"); ignored by Dubbo 2.7. */
    abstract String discovery();

    @BeforeAll
    void start() throws IOException {
        assumeTrue(enabled(line()), line().id() + " is not among -Dlanes.it.dubbo.lines");
        Path agent = Paths.get(System.getProperty("lanes.agent.jar", "../../distribution/target/lanes-agent.jar"))
                .toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(agent), "agent jar missing at " + agent
                + "; build it with ./mvnw -B -DskipTests package");
        Path work = Paths.get("target", "dubbo-it", line().id()).toAbsolutePath();
        deleteTree(work);
        Files.createDirectories(work);
        rules = work.resolve("rules.yaml");
        // The line that runs the warm-up curve has warm-up on from the start, as a fleet would:
        // every provider then publishes the window as Dubbo's own warmup (see docs/dubbo.md).
        Files.writeString(rules, runsWarmupCurve() ? GRAY_LANE + WARMUP : GRAY_LANE);
        Topology.Builder builder = Topology.builder()
                .line(line())
                .workDir(work)
                // Ten JVMs starting at once on two cores: more than the default 180 s when the machine is busy.
                .startTimeout(Duration.ofSeconds(300))
                .agent(agent, null)
                .jvmArgs("-Dlanes.rules=file:" + rules);
        for (String name : List.of("a-base", "a-gray", "b-base", "d-base", "d-gray", "d-dev1", "c-base", "c-gray")) {
            InstanceSpec spec = InstanceSpec.ofDubboChain(name);
            if (name.equals("b-base") || name.equals("d-base")) {
                adminPorts.put(name, Ports.free());
                spec = spec.withJvmArgs("-Dlanes.admin.port=" + adminPorts.get(name));
            }
            if (name.startsWith("b-")) {
                spec = spec.withAppArgs(args("--demo.dubbo.discovery=" + discovery(), OWN_WORK_ARGS)
                        .toArray(new String[0]));
            }
            builder.instance(spec);
        }
        // A gray Dubbo consumer that no one calls: its own work alone shows where its calls go.
        builder.instance(new InstanceSpec("w-gray", "service-w", InstanceSpec.DUBBO_NEXT_PREFIX + "service-d", "gray",
                List.of(), args("--demo.dubbo.discovery=" + discovery(), OWN_WORK_ARGS)));
        builder.outsider(new InstanceSpec("dubbo-client", "dubbo-client", "", null, List.of(),
                List.of("--demo.dubbo.client=true")));
        long started = System.nanoTime();
        topology = builder.start();
        try {
            // Spring Cloud discovery is ready; B's Dubbo consumer learns the providers on its own.
            // d-base first: while B knows no base provider of D, untagged calls may go to any
            // (the design's row 1), and the scenarios below would see that, not the lanes.
            awaitPath("B's Dubbo consumer sees every provider", () -> get("b-base", Map.of()),
                    r -> r.instances().contains("d-base"));
            awaitPath("B's Dubbo consumer sees every provider", () -> get("b-base", Map.of(TAG, "dev1")),
                    r -> r.instances().contains("d-dev1"));
            awaitPath("B's Dubbo consumer sees every provider", () -> get("b-base", Map.of(TAG, "gray")),
                    r -> r.instances().contains("d-gray"));
        } catch (AssertionError | RuntimeException e) {
            topology.dumpLogs();
            throw e;
        }
        System.out.printf("%s: topology of 10 JVMs and ZooKeeper ready in %.1f s%n", line().id(),
                (System.nanoTime() - started) / 1e9);
    }

    @AfterAll
    void stop() {
        if (topology != null) {
            topology.close();
        }
    }

    static boolean enabled(DemoLine line) {
        String lines = System.getProperty("lanes.it.dubbo.lines", "");
        return lines.isBlank() || List.of(lines.split(",")).contains(line.id());
    }

    // ------------------------------------------------------------------------------------------
    // The scenarios, each across HTTP and Dubbo hops.

    @Test
    @Order(1)
    void untaggedTrafficNeverTouchesAGrayInstance() {
        // REQUESTS of each kind: a 50/50 stray passes them all with 2^-20 ≈ 9.5e-7.
        for (int i = 0; i < REQUESTS; i++) {
            ChainResponse r = get("a-base", Map.of());
            assertPath(r, "a-base -> b-base => d-base -> c-base");
            for (Hop hop : r.hops()) {
                assertNull(hop.tag(), r.body());
                assertNull(hop.seenTag(), r.body());
            }
        }
    }

    @Test
    @Order(2)
    void grayTrafficFallsBackToBaseAndReturnsIntoTheLaneAcrossProtocols() {
        // REQUESTS of each kind: a 50/50 stray passes them all with 2^-20 ≈ 9.5e-7.
        for (int i = 0; i < REQUESTS; i++) {
            // Node dyeing at an HTTP entry: a-gray dyes untagged traffic gray.
            ChainResponse dyed = get("a-gray", Map.of());
            assertPath(dyed, "a-gray -> b-base => d-gray -> c-gray");
            assertSeen(dyed, null, "gray", "gray", "gray");
            ChainResponse tagged = get("a-base", Map.of(TAG, "gray"));
            assertPath(tagged, "a-base -> b-base => d-gray -> c-gray");
            assertSeen(tagged, "gray", "gray", "gray", "gray");
        }
    }

    @Test
    @Order(3)
    void headerIsolationUsesTheOnlyDev1InstanceAndBaseElsewhere() {
        // REQUESTS of each kind: a 50/50 stray passes them all with 2^-20 ≈ 9.5e-7.
        for (int i = 0; i < REQUESTS; i++) {
            ChainResponse r = get("a-base", Map.of(TAG, "dev1"));
            assertPath(r, "a-base -> b-base => d-dev1 -> c-base");
            assertSeen(r, "dev1", "dev1", "dev1", "dev1");
        }
    }

    @Test
    @Order(4)
    @SuppressWarnings("unchecked")
    void theAdminEndpointsShowTheProvidersBRoutesAmongAndTheInterfaceDExports() {
        // What the console draws: B's instances of D's interface (Dubbo hands its routers a new
        // list per call), and D's agent saying it provides that interface.
        ServiceProcess b = topology.instance("b-base");
        Map<String, Object> state = (Map<String, Object>) Json.parse(admin("b-base", "/lanes"));
        List<Map<String, Object>> rows = (List<Map<String, Object>>) ((Map<String, Object>) state
                .get("calledServices")).get(DUBBO_SERVICE);
        assertTrue(rows != null, "B lists the providers of " + DUBBO_SERVICE + ": " + state.get("calledServices"));
        Map<String, String> tagByPort = new java.util.TreeMap<>();
        for (Map<String, Object> row : rows) {
            String address = String.valueOf(row.get("address"));
            tagByPort.put(address.substring(address.lastIndexOf(':') + 1), String.valueOf(row.get("tag")));
        }
        assertEquals(new java.util.TreeMap<>(Map.of(
                        String.valueOf(topology.instance("d-base").dubboPort()), "base",
                        String.valueOf(topology.instance("d-gray").dubboPort()), "gray",
                        String.valueOf(topology.instance("d-dev1").dubboPort()), "dev1")), tagByPort,
                "B's instances of D by Dubbo port: " + rows);

        Map<String, Object> d = (Map<String, Object>) Json.parse(admin("d-base", "/lanes"));
        assertEquals(List.of(DUBBO_SERVICE), d.get("provides"));

        Map<String, Object> explained = (Map<String, Object>) Json.parse(admin("b-base",
                "/lanes/explain?service=" + DUBBO_SERVICE + "&tag=gray"));
        Map<String, Object> outbound = (Map<String, Object>) explained.get("outbound");
        assertEquals("routed", outbound.get("outcome"), String.valueOf(explained));
        List<String> eligible = new ArrayList<>();
        for (Map<String, Object> c : (List<Map<String, Object>>) outbound.get("candidates")) {
            if (Boolean.TRUE.equals(c.get("eligible"))) {
                eligible.add(String.valueOf(c.get("address")));
            }
        }
        assertEquals(1, eligible.size(), String.valueOf(outbound));
        assertTrue(eligible.get(0).endsWith(":" + topology.instance("d-gray").dubboPort()), String.valueOf(outbound));
        assertTrue(b.isAlive());
    }

    @Test
    @Order(5)
    void aDubboServiceIsTheEntryWithNoHttpGateway() {
        ServiceProcess dBase = topology.instance("d-base");
        // REQUESTS of each kind: a 50/50 stray passes them all with 2^-20 ≈ 9.5e-7.
        for (int i = 0; i < REQUESTS; i++) {
            ChainResponse untagged = dubboCall(dBase, null, null);
            assertPath(untagged, "d-base -> c-base");
            assertSeen(untagged, null, null);
            // Node dyeing at a Dubbo entry.
            ChainResponse dyed = dubboCall(topology.instance("d-gray"), null, null);
            assertPath(dyed, "d-gray -> c-gray");
            assertSeen(dyed, null, "gray");
            // A caller that sends its lane as attachment: Dubbo in, HTTP out.
            ChainResponse gray = dubboCall(dBase, "gray", null);
            assertPath(gray, "d-base -> c-gray");
            assertSeen(gray, "gray", "gray");
            ChainResponse dev1 = dubboCall(dBase, "dev1", null);
            assertPath(dev1, "d-base -> c-base");
            assertSeen(dev1, "dev1", "dev1");
        }
    }

    @Test
    @Order(6)
    void customRoutesByMethodAndArgumentTakeEffectWhenTheRulesFileIsEdited() throws IOException {
        // B passes its query parameter arg on as the argument of its Dubbo call, where routes apply.
        // By interface name, method and argument.
        writeRules(GRAY_LANE + String.join("\n",
                "routes:",
                "  - name: vip-to-gray",
                "    service: " + SERVICE,
                "    match: {method: chain, args: {0: {prefix: \"vip-\"}}}",
                "    to: {tag: gray}",
                ""));
        awaitPath("the route by argument", () -> get("b-base", "/chain?arg=vip-1", Map.of()),
                r -> r.path().equals("b-base -> d-gray -> c-gray"));
        // REQUESTS of each kind: a 50/50 stray passes them all with 2^-20 ≈ 9.5e-7.
        for (int i = 0; i < REQUESTS; i++) {
            ChainResponse vip = get("b-base", "/chain?arg=vip-" + i, Map.of());
            // The route picks d-gray for this hop only; the traffic stays untagged until d-gray dyes it.
            assertPath(vip, "b-base => d-gray -> c-gray");
            assertSeen(vip, null, null, "gray");
            assertPath(get("b-base", "/chain?arg=plain-" + i, Map.of()), "b-base => d-base -> c-base");
            // Entered upstream, the call is untagged and the route does not match: base all the way.
            assertPath(get("a-base", Map.of()), "a-base -> b-base => d-base -> c-base");
        }
        // By the provider's application name.
        writeRules(GRAY_LANE + String.join("\n",
                "routes:",
                "  - service: service-d",
                "    match: {args: {0: {exact: \"tester\"}}}",
                "    to: {tag: dev1}",
                ""));
        awaitPath("the route by application name", () -> get("b-base", "/chain?arg=tester", Map.of()),
                r -> r.path().equals("b-base -> d-dev1 -> c-base"));
        // REQUESTS of each kind: a 50/50 stray passes them all with 2^-20 ≈ 9.5e-7.
        for (int i = 0; i < REQUESTS; i++) {
            assertPath(get("b-base", "/chain?arg=tester", Map.of()), "b-base => d-dev1 -> c-base");
            assertPath(get("b-base", "/chain?arg=vip-" + i, Map.of()), "b-base => d-base -> c-base");
        }
        // Removed again: every call routes by its lane only.
        writeRules(GRAY_LANE);
        awaitPath("the routes removed", () -> get("b-base", "/chain?arg=tester", Map.of()),
                r -> r.path().equals("b-base -> d-base -> c-base"));
        // REQUESTS of each kind: a 50/50 stray passes them all with 2^-20 ≈ 9.5e-7.
        for (int i = 0; i < REQUESTS; i++) {
            assertPath(get("b-base", "/chain?arg=vip-" + i, Map.of()), "b-base => d-base -> c-base");
        }
    }

    @Test
    @Order(7)
    void aStrictLaneFailsFastNamingTheServiceAndTheLane() throws IOException {
        writeRules(GRAY_LANE + String.join("\n",
                "  - name: blue",
                "    tag: blue",
                "    fallback: none",
                ""));
        // HTTP in, Dubbo out: B has no blue provider of the Dubbo service to call.
        // Each JVM applies the rules file on its own: until B has, the call may fail further on
        // (at D, which already enforces the lane), so wait for the failure at B itself.
        ChainResponse viaDubbo = awaitPath("the strict lane at the Dubbo hop",
                () -> get("b-base", Map.of(TAG, "blue")), r -> !r.ok() && r.instances().equals(List.of("b-base")));
        assertEquals(502, viaDubbo.status(), viaDubbo.body());
        assertEquals(List.of("b-base"), viaDubbo.instances(), viaDubbo.body());
        assertTrue(viaDubbo.errorMessage().contains("service '" + SERVICE + "'"), viaDubbo.body());
        assertTrue(viaDubbo.errorMessage().contains("strict lane 'blue'"), viaDubbo.body());
        // Dubbo in, HTTP out: D has no blue instance of service-c to call.
        ChainResponse viaHttp = awaitPath("the strict lane at the HTTP hop",
                () -> dubboCall(topology.instance("d-base"), "blue", null), r -> !r.ok());
        assertEquals(List.of("d-base"), viaHttp.instances(), viaHttp.body());
        assertTrue(viaHttp.errorMessage().contains("service 'service-c'"), viaHttp.body());
        assertTrue(viaHttp.errorMessage().contains("strict lane 'blue'"), viaHttp.body());
        writeRules(GRAY_LANE);
        awaitPath("the strict lane removed", () -> get("b-base", Map.of(TAG, "blue")), ChainResponse::ok);
        // REQUESTS of each kind: a 50/50 stray passes them all with 2^-20 ≈ 9.5e-7.
        for (int i = 0; i < REQUESTS; i++) {
            assertPath(get("b-base", Map.of(TAG, "blue")), "b-base => d-base -> c-base");
        }
    }

    @Test
    @Order(8)
    void providersPublishTagAndStartTimeInTheRegistry() throws Exception {
        int gray = topology.instance("d-gray").dubboPort();
        int base = topology.instance("d-base").dubboPort();
        try (Registry registry = new Registry(topology.zooKeeper().connectString())) {
            // Interface-level registration: the provider URLs.
            List<String> urls = new ArrayList<>();
            for (String child : registry.children("/dubbo/" + SERVICE + "/providers")) {
                urls.add(URLDecoder.decode(child, StandardCharsets.UTF_8));
            }
            String grayUrl = only(urls, ":" + gray + "/");
            String baseUrl = only(urls, ":" + base + "/");
            assertTrue(grayUrl.contains("lanes.tag=gray"), grayUrl);
            assertTrue(grayUrl.matches(".*[?&]lanes\\.start=\\d{13}.*"), grayUrl);
            assertFalse(baseUrl.contains("lanes.tag="), baseUrl);
            assertTrue(baseUrl.matches(".*[?&]lanes\\.start=\\d{13}.*"), baseUrl);
            if (line() != DemoLine.DUBBO27) {
                // Application-level registration (Dubbo 3): the instance metadata.
                String grayInstance = registry.data("/dubbo-services/service-d/127.0.0.1:" + gray);
                String baseInstance = registry.data("/dubbo-services/service-d/127.0.0.1:" + base);
                assertTrue(grayInstance.contains("\"lanes.tag\":\"gray\""), grayInstance);
                assertTrue(grayInstance.matches("(?s).*\"lanes\\.start\":\"\\d{13}\".*"), grayInstance);
                assertFalse(baseInstance.contains("lanes.tag"), baseInstance);
                assertTrue(baseInstance.contains("\"lanes.start\""), baseInstance);
            }
        }
    }

    @Test
    @Order(9)
    void workADubboConsumerStartsItselfCarriesTheInstanceTag() {
        // w-gray's consumer learns the providers on its own; a request through it shows when it knows d-gray.
        awaitPath("w-gray's Dubbo consumer sees d-gray", () -> get("w-gray", Map.of()),
                r -> r.ok() && r.instances().contains("d-gray"));
        for (String consumer : List.of("w-gray", "b-base")) {
            assertTrue(client.startOwnWork(topology.url(consumer)), consumer + " did not start its own work");
        }
        // Dubbo calls from main, from a thread of the application's own and from a scheduled job:
        // gray on the gray consumer, untagged on the base one. OWN_WORK_RUNS (20) on each: a 50/50
        // stray passes them all with 2^-20 ≈ 9.5e-7.
        for (OwnWorkRun run : awaitOwnWork("w-gray")) {
            assertOwnWork(run, "w-gray => d-gray -> c-gray", null, "gray", "gray");
        }
        for (OwnWorkRun run : awaitOwnWork("b-base")) {
            assertOwnWork(run, "b-base => d-base -> c-base", null, null, null);
        }
    }

    @Test
    @Order(10)
    void aHeaderListedUnderPropagateIsRoutedAtTheDubboHopAndTheHttpHopAfterIt() throws IOException {
        String routes = String.join("\n",
                "routes:",
                "  - name: env-dev1-to-d-dev1",
                "    service: " + SERVICE,
                "    match: {headers: {x-env: {exact: dev1}}}",
                "    to: {tag: dev1}",
                "  - name: env-dev1-to-c-gray",
                "    service: service-c",
                "    match: {headers: {x-env: {exact: dev1}}}",
                "    to: {tag: gray}",
                "");
        try {
            writeRules(GRAY_LANE + "propagate: [x-env]\n" + routes);
            // Sent to A only: B's Dubbo call carries it as attachment and is routed to d-dev1 by it,
            // d-dev1's HTTP call carries it as header and is routed to c-gray by it, with the tag
            // d-dev1 dyed the request with (the route wins over the lane for its hop).
            // Each JVM reads the rules file on its own: wait until every one on these paths has.
            awaitPath("the carried header routed", () -> get("a-base", Map.of(ENV, "dev1")),
                    r -> r.ok() && r.protocolPath().equals("a-base -> b-base => d-dev1 -> c-gray"));
            awaitPath("a-gray carries the header", () -> get("a-gray", Map.of(ENV, "dev1")),
                    r -> r.ok() && r.protocolPath().equals("a-gray -> b-base => d-dev1 -> c-gray"));
            awaitPath("d-base carries the header", () -> get("a-base", Map.of(ENV, "prod")),
                    r -> r.ok() && envs(r).equals(java.util.Arrays.asList("prod", "prod", "prod", "prod")));
            // REQUESTS of each kind: a 50/50 stray passes them all with 2^-20 ≈ 9.5e-7.
            for (int i = 0; i < REQUESTS; i++) {
                ChainResponse dev1 = get("a-base", Map.of(ENV, "dev1"));
                assertPath(dev1, "a-base -> b-base => d-dev1 -> c-gray");
                assertSeen(dev1, null, null, null, "dev1");
                assertSeenEnv(dev1, "dev1", "dev1", "dev1", "dev1");
                // Interleaved: nothing carried over from the request before.
                ChainResponse none = get("a-base", Map.of());
                assertPath(none, "a-base -> b-base => d-base -> c-base");
                assertSeen(none, null, null, null, null);
                assertSeenEnv(none, null, null, null, null);
                ChainResponse prod = get("a-base", Map.of(ENV, "prod"));
                assertPath(prod, "a-base -> b-base => d-base -> c-base");
                assertSeenEnv(prod, "prod", "prod", "prod", "prod");
                ChainResponse gray = get("a-gray", Map.of(ENV, "dev1"));
                assertPath(gray, "a-gray -> b-base => d-dev1 -> c-gray");
                assertSeen(gray, null, "gray", "gray", "gray");
                assertSeenEnv(gray, "dev1", "dev1", "dev1", "dev1");
            }
            // Not listed under propagate: the header stops at A, and neither route sees it.
            writeRules(GRAY_LANE + routes);
            awaitPath("the header no longer carried", () -> get("a-base", Map.of(ENV, "dev1")),
                    r -> r.ok() && r.protocolPath().equals("a-base -> b-base => d-base -> c-base")
                            && envs(r).equals(java.util.Arrays.asList("dev1", null, null, null)));
            // REQUESTS of each kind: a 50/50 stray passes them all with 2^-20 ≈ 9.5e-7.
            for (int i = 0; i < REQUESTS; i++) {
                ChainResponse stopped = get("a-base", Map.of(ENV, "dev1"));
                assertPath(stopped, "a-base -> b-base => d-base -> c-base");
                assertSeenEnv(stopped, "dev1", null, null, null);
            }
        } finally {
            writeRules(GRAY_LANE);
        }
    }

    static final String WARMUP = "warmup: {window: 30s, curve: 1, minWeightPercent: 10}\n";

    /** Whether this line runs the warm-up curve: over a minute, so one line only. */
    boolean runsWarmupCurve() {
        return false;
    }

    /**
     * Issue 11 §3 at the Dubbo hop (B's Dubbo consumer, over application-level discovery on the
     * line that runs it) and at the Spring Cloud hop after it (D's LoadBalancer, default cache):
     * a new base provider of D and a new base instance of C start under load, and each one's
     * share of its hop is printed beside the share the warm-up curve predicts, every 5 s.
     */
    @Test
    @Order(11)
    void newInstancesTakeTheShareTheirWarmupCurvePredicts() throws Exception {
        assumeTrue(runsWarmupCurve(), line().id() + " leaves the warm-up curve to another line");
        long window = 30_000L;
        int minPercent = 10;
        writeRules(GRAY_LANE + WARMUP);
        InstanceSpec dNew = new InstanceSpec("d-new", "service-d", "service-c", null, List.of(),
                List.of(InstanceSpec.DUBBO_PROVIDER_ARG));
        InstanceSpec cNew = new InstanceSpec("c-new", "service-c", "", null, List.of(), List.of());
        List<WarmupCurve.Sample> samples;
        long dStart;
        long cStart;
        long failed;
        try (WarmupCurve.Load load = new WarmupCurve.Load(client, topology.url("b-base"), 4)) {
            topology.startInstances(List.of(dNew, cNew));
            dStart = dubboStart(topology.instance("d-new").dubboPort());
            cStart = springCloudStart("d-base", "service-c", topology.instance("c-new").port());
            long until = Math.max(dStart, cStart) + window + 5_000L;
            while (System.currentTimeMillis() < until) {
                sleep(250);
            }
            load.close();
            samples = load.samples();
            failed = load.failed();
        } finally {
            topology.stopInstance("d-new");
            topology.stopInstance("c-new");
            writeRules(GRAY_LANE);
        }
        List<WarmupCurve.Bucket> dubbo = WarmupCurve.buckets(samples, "service-d", "d-new", "d-base", dStart, window,
                minPercent, 5_000L);
        List<WarmupCurve.Bucket> http = WarmupCurve.buckets(samples, "service-c", "c-new", "c-base", cStart, window,
                minPercent, 5_000L);
        System.out.printf("%s warm-up curve: window 30 s, linear, minimum 10 %%; %d answered calls, %d failed%n",
                line().id(), samples.size(), failed);
        double dubboMax = WarmupCurve.print(System.out, "  d-new at B's Dubbo consumer (against d-base), seconds"
                + " from its lanes.start:", dubbo, 100);
        double httpMax = WarmupCurve.print(System.out, "  c-new at D's Spring Cloud LoadBalancer (against c-base),"
                + " counted per caller from its first call to it:", http, 100);
        // The curve itself: at least four buckets inside the window at each hop, and each one's
        // share within 10 points of the curve; at these counts (a few hundred calls a bucket) the
        // sampling error alone stays under 3 points with 99.7 % probability.
        assertTrue(countInWindow(dubbo, window, 100) >= 4, "too few calls inside the window at the Dubbo hop");
        assertTrue(countInWindow(http, window, 100) >= 4, "too few calls inside the window at the HTTP hop");
        assertTrue(dubboMax <= 10.0, "the Dubbo hop strays " + dubboMax + " points from the curve");
        assertTrue(httpMax <= 10.0, "the Spring Cloud hop strays " + httpMax + " points from the curve");
    }

    private static long countInWindow(List<WarmupCurve.Bucket> buckets, long window, int min) {
        return buckets.stream().filter(b -> b.calls() >= min && b.fromSecond() >= 0
                && b.fromSecond() * 1000 + 5_000 <= window).count();
    }

    /** The lanes.start of the provider of D on {@code dubboPort}, from its provider URL in ZooKeeper. */
    private long dubboStart(int dubboPort) throws Exception {
        try (Registry registry = new Registry(topology.zooKeeper().connectString())) {
            for (String child : registry.children("/dubbo/" + SERVICE + "/providers")) {
                String url = URLDecoder.decode(child, StandardCharsets.UTF_8);
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("[?&]lanes\\.start=(\\d{13})").matcher(url);
                if (url.contains(":" + dubboPort + "/") && m.find()) {
                    return Long.parseLong(m.group(1));
                }
            }
        }
        throw new AssertionError("no provider URL with lanes.start for Dubbo port " + dubboPort);
    }

    /** The lanes.start of the instance of {@code service} on {@code port}, as {@code caller}'s discovery sees it. */
    private long springCloudStart(String caller, String service, int port) {
        List<Map<String, Object>> known = topology.instance(caller).discovered(service);
        for (Map<String, Object> instance : known == null ? List.<Map<String, Object>>of() : known) {
            if (instance.get("port") instanceof Number n && n.intValue() == port
                    && instance.get("metadata") instanceof Map<?, ?> metadata && metadata.get("lanes.start") != null) {
                return Long.parseLong(metadata.get("lanes.start").toString());
            }
        }
        throw new AssertionError(caller + " knows no " + service + " on port " + port + " with lanes.start: " + known);
    }

    // ------------------------------------------------------------------------------------------

    /**
     * Waits until {@code instance} has done all of its own work and returns the runs: once on
     * main, once on its own thread, the rest scheduled.
     */
    private List<OwnWorkRun> awaitOwnWork(String instance) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            List<OwnWorkRun> runs = client.ownWork(topology.url(instance));
            if (runs.size() == OWN_WORK_RUNS) {
                List<String> threads = new ArrayList<>();
                for (OwnWorkRun run : runs) {
                    if (!run.work().equals("scheduled")) {
                        threads.add(run.work() + " on " + run.thread());
                    }
                }
                threads.sort(null);
                assertEquals(List.of("main on main", "thread on demo-own-work"), threads, runs.toString());
                return runs;
            }
            if (System.nanoTime() > deadline) {
                fail(instance + " did not finish its own work within 60 s: " + runs);
            }
            sleep(200);
        }
    }

    /** One run of own work took {@code path} from the instance itself (which received nothing), with these tags seen after it. */
    private static void assertOwnWork(OwnWorkRun run, String path, String... seen) {
        ChainResponse answer = run.answer();
        assertPath(answer, path);
        assertEquals("own-work", answer.hops().get(0).via(), run.work() + ": " + answer.body());
        assertSeen(answer, seen);
        assertSeenEnv(answer, new String[seen.length]);
    }

    private ChainResponse get(String instance, Map<String, String> headers) {
        return get(instance, "/chain", headers);
    }

    private ChainResponse get(String instance, String pathAndQuery, Map<String, String> headers) {
        return client.get(topology.url(instance), pathAndQuery, headers);
    }

    /** The body of the admin endpoint of {@code instance} at {@code path}. */
    private String admin(String instance, String path) {
        ChainResponse r = client.get("http://127.0.0.1:" + adminPorts.get(instance), path, Map.of());
        assertEquals(200, r.status(), r.body());
        return r.body();
    }

    private ChainResponse dubboCall(ServiceProcess provider, String tag, String argument) {
        return client.dubboCall(topology.url("dubbo-client"), provider.dubboUrl(), tag, argument);
    }

    /** Replaces the rules file in one step, as editors and ConfigMaps do. */
    private void writeRules(String text) throws IOException {
        Path temp = rules.resolveSibling("rules.yaml.tmp");
        Files.writeString(temp, text);
        Files.move(temp, rules, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Sends until the answer satisfies {@code expected} three times in a row (rules reach each
     * JVM on its own), or fails after 60 s with the last answer. Returns the last answer.
     */
    private static ChainResponse awaitPath(String what, Supplier<ChainResponse> call,
            Predicate<ChainResponse> expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int inARow = 0;
        ChainResponse last = null;
        while (true) {
            last = call.get();
            inARow = expected.test(last) ? inARow + 1 : 0;
            if (inARow == 3) {
                return last;
            }
            if (System.nanoTime() > deadline) {
                fail(what + ": not reached within 60 s; last answer: " + last.body());
            }
            sleep(inARow > 0 ? 50 : 250);
        }
    }

    /** The path with protocols, e.g. "a-base -> b-base => d-gray -> c-gray", of a successful answer. */
    private static void assertPath(ChainResponse r, String expected) {
        assertTrue(r.ok(), "failed: " + r.body());
        assertEquals(expected, r.protocolPath(), r.body());
    }

    /** The x-lanes-tag header or attachment each hop received (null: none). */
    private static void assertSeen(ChainResponse r, String... expected) {
        List<String> seen = new ArrayList<>();
        for (Hop hop : r.hops()) {
            seen.add(hop.seenTag());
        }
        assertEquals(java.util.Arrays.asList(expected), seen, r.body());
    }

    /** The x-env header or attachment each hop received (null: none). */
    private static void assertSeenEnv(ChainResponse r, String... expected) {
        assertEquals(java.util.Arrays.asList(expected), envs(r), r.body());
    }

    private static List<String> envs(ChainResponse r) {
        List<String> seen = new ArrayList<>();
        for (Hop hop : r.hops()) {
            seen.add(hop.seenEnv());
        }
        return seen;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static List<String> args(String first, List<String> rest) {
        List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    /** Logs of an earlier run of this line are removed; the folder is the line's alone. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static String only(List<String> values, String containing) {
        List<String> found = new ArrayList<>();
        for (String value : values) {
            if (value.contains(containing)) {
                found.add(value);
            }
        }
        assertEquals(1, found.size(), "expected one entry with " + containing + " in " + values);
        return found.get(0);
    }

    /** A read-only look into ZooKeeper. */
    static final class Registry implements AutoCloseable {
        private final ZooKeeper zk;

        Registry(String connect) throws IOException, InterruptedException {
            CountDownLatch connected = new CountDownLatch(1);
            zk = new ZooKeeper(connect, 10_000, event -> {
                if (event.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected) {
                    connected.countDown();
                }
            });
            if (!connected.await(30, TimeUnit.SECONDS)) {
                zk.close();
                throw new IOException("could not connect to ZooKeeper at " + connect);
            }
        }

        List<String> children(String path) throws Exception {
            return zk.getChildren(path, false);
        }

        String data(String path) throws Exception {
            return new String(zk.getData(path, false, null), StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws InterruptedException {
            zk.close();
        }
    }
}
