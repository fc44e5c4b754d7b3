package dev.lanes.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.lanes.demo.runner.ChainClient;
import dev.lanes.demo.runner.ChainResponse;
import dev.lanes.demo.runner.DemoLine;
import dev.lanes.demo.runner.Hop;
import dev.lanes.demo.runner.InstanceSpec;
import dev.lanes.demo.runner.Registry;
import dev.lanes.demo.runner.ServiceProcess;
import dev.lanes.demo.runner.Topology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Spring Cloud's weighted supplier (spring-cloud-commons 4.1 and later) keeps working inside a
 * lane: Boot 3.5 / Spring Cloud 2025.0 on JDK 17 and Eureka, set up the way a user does it.
 * The caller, service-a, keeps every default but {@code spring.cloud.loadbalancer.configurations=weighted};
 * service-b has two gray and two base instances, each with {@code eureka.instance.metadata-map.weight}
 * 1 or 3. No rules document: the tags alone make the lane. Its own topology, so that the
 * shared scenarios' instances keep the framework's default supplier.
 *
 * <p>Eureka, not ZooKeeper: Spring Cloud Zookeeper registers a default LoadBalancer configuration
 * of its own ({@code ZookeeperLoadBalancerConfiguration}: discovery, its dependencies filter,
 * cache), whose supplier wins over the one {@code configurations=weighted} selects: on ZooKeeper
 * the property alone leaves the balancer unweighted (this test on ZooKeeper: 400 to 400 of 800
 * requests, in the lane and among base alike); with {@code spring.cloud.zookeeper.loadbalancer.enabled=false}
 * as well, 600 to 200 in both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WeightedSupplierIT {

    static final String WEIGHTED = "--spring.cloud.loadbalancer.configurations=weighted";
    static final String WEIGHT = "--eureka.instance.metadata-map.weight=";
    static final String CALLER = "a-base";
    static final String GRAY_LIGHT = "b-gray-w1";
    static final String GRAY_HEAVY = "b-gray-w3";
    static final String BASE_LIGHT = "b-base-w1";
    static final String BASE_HEAVY = "b-base-w3";
    /** The heavy instance's share of its lane: weight 3 of 1 + 3. */
    static final double HEAVY_SHARE = 0.75;
    /**
     * Requests of each kind, and how far the heavy instance's share may be from 0.75. Were every
     * pick an independent draw with p = 0.75 (a random balancer over the weighted list),
     * Hoeffding bounds a false failure by 2·exp(-2·N·t²) = 2·exp(-2·800·0.01) = 2·exp(-16)
     * ≈ 2.3e-7 per kind, 4.5e-7 for both. Spring's default round robin walks the weighted list
     * and would give exactly 0.75 over a multiple of 4 requests sent one after another, but the
     * Eureka client shuffles the instances at each registry fetch (every second here), which can
     * move the heavy instance within the list between calls (measured: 599 to 601 of 800); the
     * tolerance covers that. An unweighted balancer fails: round robin gives exactly 0.5 (measured:
     * 400 of 800), and a random one reaches 0.65 with probability below exp(-2·800·0.15²) ≈ 2.3e-16.
     */
    static final int REQUESTS = 800;
    static final double TOLERANCE = 0.1;

    private Topology topology;
    private String label;
    private final ChainClient http = new ChainClient();

    @RegisterExtension
    final TestWatcher dumpLogsOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (topology != null) {
                System.err.println("[scenarios] WeightedSupplierIT: " + context.getDisplayName()
                        + " failed; logs of every process follow");
                topology.dumpLogs();
            }
        }
    };

    @BeforeAll
    void start() throws IOException {
        Jdk jdk = Jdk.find(17);
        assumeTrue(jdk != null, () -> "WeightedSupplierIT skipped: no JDK 17 found at " + Jdk.lookedAt(17));
        label = "WeightedSupplierIT, " + DemoLine.BOOT35.id() + " on JDK " + jdk.version() + " with eureka";
        long started = System.nanoTime();
        Path work = Paths.get("target", "scenarios", "WeightedSupplierIT").toAbsolutePath();
        Files.createDirectories(work);
        topology = Topology.builder()
                .line(DemoLine.BOOT35)
                .java(jdk.home())
                .agent(LaneScenarios.agentJar(), null)
                .registry(Registry.Kind.EUREKA)
                .workDir(work)
                .instance(InstanceSpec.of(CALLER).withAppArgs(WEIGHTED))
                .instance(callee(GRAY_LIGHT, "gray", 1))
                .instance(callee(GRAY_HEAVY, "gray", 3))
                .instance(callee(BASE_LIGHT, null, 1))
                .instance(callee(BASE_HEAVY, null, 3))
                .start();
        ScenarioReport.line(label + ": 5 instances up in " + LaneScenarios.seconds(System.nanoTime() - started)
                + " s; logs in " + work);
    }

    /** An instance of service-b, the last hop, with its weight set as a Eureka user sets it. */
    private static InstanceSpec callee(String name, String tag, int weight) {
        return new InstanceSpec(name, "service-b", "", tag, List.of(), List.of(WEIGHT + weight));
    }

    @AfterAll
    void stop() {
        if (topology != null) {
            topology.close();
        }
    }

    @Test
    @Order(1)
    @DisplayName("the caller discovers every instance of service-b with its weight and tag")
    void weightsAndTagsAreDiscovered() {
        List<Map<String, Object>> seen = topology.instance(CALLER).discovered("service-b");
        assertNotNull(seen, CALLER + " did not answer /instances/service-b");
        Map<Integer, String> byPort = new HashMap<>();
        for (Map<String, Object> instance : seen) {
            Map<?, ?> meta = (Map<?, ?>) instance.get("metadata");
            byPort.put(((Number) instance.get("port")).intValue(), meta.get("weight") + "/" + meta.get("lanes.tag"));
        }
        Map<Integer, String> expected = new HashMap<>();
        expected.put(topology.instance(GRAY_LIGHT).port(), "1/gray");
        expected.put(topology.instance(GRAY_HEAVY).port(), "3/gray");
        expected.put(topology.instance(BASE_LIGHT).port(), "1/null");
        expected.put(topology.instance(BASE_HEAVY).port(), "3/null");
        assertEquals(expected, byPort, CALLER + " sees " + seen);
    }

    @Test
    @Order(2)
    @DisplayName("gray requests go to gray instances only, 3 to 1 by their weights")
    void grayTrafficKeepsTheWeightsInsideTheLane() {
        Map<String, Integer> served = send("gray", GRAY_LIGHT, GRAY_HEAVY);
        ScenarioReport.line(label + " | x-lanes-tag: gray, " + REQUESTS + " requests: " + served);
        assertHeavyShare(served, GRAY_HEAVY);
    }

    @Test
    @Order(3)
    @DisplayName("untagged requests go to base instances only, 3 to 1 by their weights")
    void untaggedTrafficKeepsTheWeightsAmongBase() {
        Map<String, Integer> served = send(null, BASE_LIGHT, BASE_HEAVY);
        ScenarioReport.line(label + " | untagged, " + REQUESTS + " requests: " + served);
        assertHeavyShare(served, BASE_HEAVY);
    }

    /**
     * {@link #REQUESTS} requests into the caller, one after another, each of which must end at
     * one of {@code allowed} with the tag header {@code tag} at both hops; the count per instance.
     */
    private Map<String, Integer> send(String tag, String... allowed) {
        Map<String, Integer> served = new LinkedHashMap<>();
        for (String name : allowed) {
            served.put(name, 0);
        }
        Map<String, String> headers = tag == null ? Map.of() : Map.of(LaneScenarios.TAG_HEADER, tag);
        for (int i = 0; i < REQUESTS; i++) {
            ChainResponse r = http.get(topology.url(CALLER), headers);
            assertTrue(r.ok() && r.hops().size() == 2, r.body());
            assertEquals(CALLER, r.hops().get(0).instance(), r.body());
            assertEquals(tag, r.hops().get(0).seenTag(), r.body());
            Hop callee = r.hops().get(1);
            assertTrue(served.containsKey(callee.instance()),
                    "request " + (i + 1) + " reached " + callee.instance() + ", expected one of " + served.keySet()
                            + "; so far " + served + ": " + r.body());
            ServiceProcess instance = topology.instance(callee.instance());
            assertEquals(instance.port(), callee.port(), r.body());
            assertEquals(instance.spec().tag(), callee.tag(), "registered tag, " + r.body());
            assertEquals(tag, callee.seenTag(), "tag header received, " + r.body());
            served.merge(callee.instance(), 1, Integer::sum);
        }
        return served;
    }

    private static void assertHeavyShare(Map<String, Integer> served, String heavy) {
        double share = served.get(heavy) / (double) REQUESTS;
        assertTrue(Math.abs(share - HEAVY_SHARE) <= TOLERANCE, heavy + " served " + share + " of the requests, expected "
                + HEAVY_SHARE + " ± " + TOLERANCE + ": " + served);
    }
}
