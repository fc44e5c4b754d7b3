package dev.lanes.demo.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The demo topology of the default line, WITHOUT the agent: every request reports its
 * whole path, and the plain framework knows no lanes (the picture the agent changes).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TopologyWithoutAgentTest {

    private static final List<String> CHAIN = List.of("service-a", "service-b", "service-c");
    private static Topology topology;
    private final ChainClient client = new ChainClient();

    @RegisterExtension
    static final TestWatcher DUMP_LOGS_ON_FAILURE = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (topology != null) {
                topology.dumpLogs();
            }
        }
    };

    @BeforeAll
    static void start() throws IOException {
        topology = Topology.builder()
                .line(DemoLine.DEFAULT)
                .workDir(Path.of("target", "topology-without-agent"))
                .instances("a-base", "a-gray", "b-base", "c-base", "c-gray")
                .start();
    }

    @AfterAll
    static void stop() {
        if (topology != null) {
            topology.close();
        }
    }

    @Test
    @Order(1)
    void untaggedRequestsReachEveryInstanceOfCIncludingGray() {
        Set<String> servedByC = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            ChainResponse response = client.get(topology.url("a-base"));
            assertWholePath(response, "a-base");
            servedByC.add(response.hops().get(2).instance());
        }
        // Round robin over both instances: with no agent, the gray one takes untagged traffic.
        assertEquals(Set.of("c-base", "c-gray"), servedByC);
    }

    @Test
    @Order(2)
    void theTagHeaderReachesTheEntryOnlyBecauseNoOneForwardsIt() {
        for (int i = 0; i < 10; i++) {
            ChainResponse response = client.get(topology.url("a-base"), Map.of("x-lanes-tag", "gray"));
            assertWholePath(response, "a-base");
            assertEquals("gray", response.hops().get(0).seenTag(), response.body());
            assertNull(response.hops().get(1).seenTag(), response.body());
            assertNull(response.hops().get(2).seenTag(), response.body());
        }
    }

    @Test
    @Order(3)
    void aGrayInstanceIsAnOrdinaryEntryWithoutTheAgent() {
        for (int i = 0; i < 6; i++) {
            ChainResponse response = client.get(topology.url("a-gray"));
            assertWholePath(response, "a-gray");
            assertEquals("b-base", response.hops().get(1).instance());
        }
    }

    @Test
    @Order(4)
    void aFailedDownstreamCallIsReportedWith502AndThePathSoFar() {
        topology.stopInstance("c-base");
        topology.stopInstance("c-gray");

        ChainResponse response = client.get(topology.url("a-base"));

        assertEquals(502, response.status(), response.body());
        assertEquals(List.of("a-base", "b-base"), response.instances(), response.body());
        assertEquals("service-b", response.error().get("service"), response.body());
        assertEquals("service-c", response.error().get("calling"), response.body());
        assertTrue(response.errorMessage().contains("service-c"), response.body());
    }

    /** 200, three hops A, B, C, each the instance the topology started, on its port, untagged. */
    private static void assertWholePath(ChainResponse response, String entry) {
        assertEquals(200, response.status(), response.body());
        assertNull(response.error(), response.body());
        assertEquals(3, response.hops().size(), response.body());
        assertEquals(entry, response.hops().get(0).instance(), response.body());
        for (int i = 0; i < 3; i++) {
            Hop hop = response.hops().get(i);
            assertEquals(CHAIN.get(i), hop.service(), response.body());
            ServiceProcess served = topology.instance(hop.instance());
            assertEquals(served.spec().service(), hop.service(), response.body());
            assertEquals("127.0.0.1", hop.host(), response.body());
            assertEquals(served.port(), hop.port(), response.body());
            // Only the agent publishes lanes.tag; -Dlanes.tag alone changes nothing.
            assertNull(hop.tag(), response.body());
        }
    }
}
