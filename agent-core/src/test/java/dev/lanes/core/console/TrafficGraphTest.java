package dev.lanes.core.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The console's aggregation: rates from counter deltas, and the graph from GET /lanes documents. */
class TrafficGraphTest {

    /** The shape of GET /lanes (docs/admin.md), trimmed to what the console reads. */
    private static Map<String, Object> lanesDocument(String app, String tag, String calledServices) {
        return new Yaml().load("{\"application\": \"" + app + "\", \"instanceTag\": " + (tag == null ? "null"
                : "\"" + tag + "\"") + ",\n"
                + " \"lifecycle\": {\"phase\": \"registered\", \"ready\": true, \"closing\": false},\n"
                + " \"rules\": {\"source\": \"zookeeper:/lanes/rules/global\", \"version\": \"v2\", \"loadedAt\": "
                + "\"2025-01-01T00:00:00Z\", \"lanes\": 1, \"routes\": 0, \"dryRun\": false, \"sourceState\": \"ok\"},\n"
                + " \"tagLosses\": {\"byVia\": {\"thread\": 3}, \"bySite\": {\"thread com.example.Job.run:12\": 3}},\n"
                + " \"calledServices\": " + calledServices + "}");
    }

    private static final String SERVICE_B = "{\"service-b\": [\n"
            + "  {\"address\": \"127.0.0.1:8081\", \"tag\": \"base\", \"startedAt\": null, \"consecutiveErrors\": 0,"
            + " \"ejectedUntil\": null, \"closingUntil\": null},\n"
            + "  {\"address\": \"127.0.0.1:8082\", \"tag\": \"base\", \"startedAt\": null, \"consecutiveErrors\": 5,"
            + " \"ejectedUntil\": \"2025-01-01T00:00:30Z\", \"closingUntil\": null},\n"
            + "  {\"address\": \"127.0.0.1:8083\", \"tag\": \"gray\", \"startedAt\": \"2025-01-01T00:00:00Z\","
            + " \"warmupWeightPercent\": 42.5, \"warmupEndsAt\": \"2025-01-01T00:02:00Z\", \"consecutiveErrors\": 0,"
            + " \"ejectedUntil\": null, \"closingUntil\": null}]}";

    private static String metrics(long baseCalls, long baseErrors, long grayCalls, long fallbacks, long losses) {
        return "# HELP lanes_calls_total Calls that ended\n# TYPE lanes_calls_total counter\n"
                + "lanes_calls_total{service=\"service-b\",lane=\"base\",instance_tag=\"base\",result=\"success\"} "
                + (baseCalls - baseErrors) + "\n"
                + "lanes_calls_total{service=\"service-b\",lane=\"base\",instance_tag=\"base\",result=\"error\"} "
                + baseErrors + "\n"
                + "lanes_calls_total{service=\"service-b\",lane=\"gray\",instance_tag=\"gray\",result=\"success\"} "
                + grayCalls + "\n"
                + "lanes_outbound_calls_total{service=\"service-b\",lane=\"dev1\",outcome=\"fallback_base\"} " + fallbacks
                + "\n"
                + "lanes_call_duration_seconds_bucket{service=\"service-b\",lane=\"base\",instance_tag=\"base\",le=\"0.005\"} 7\n"
                + "lanes_tag_losses_total{via=\"thread\",site=\"com.example.Job.run:12\"} " + losses + "\n";
    }

    private static AgentSample sample(long atMillis, String metrics) {
        return AgentSample.answered("127.0.0.1:9464", null, atMillis, lanesDocument("service-a", null, SERVICE_B),
                PrometheusText.parse(metrics));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> edge(Map<String, Object> state, String id) {
        for (Object e : (List<Object>) state.get("edges")) {
            if (((Map<String, Object>) e).get("id").equals(id)) {
                return (Map<String, Object>) e;
            }
        }
        throw new AssertionError("no edge " + id + " in " + state.get("edges"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> lane(Map<String, Object> edge, String lane) {
        for (Object l : (List<Object>) edge.get("lanes")) {
            if (((Map<String, Object>) l).get("lane").equals(lane)) {
                return (Map<String, Object>) l;
            }
        }
        throw new AssertionError("no lane " + lane + " in " + edge);
    }

    @Test
    void ratesAreCounterDeltasOverTheTimeBetweenPolls() {
        AgentSample before = sample(10_000, metrics(100, 10, 50, 4, 1));
        AgentSample now = sample(12_000, metrics(160, 14, 70, 10, 3));
        Map<String, Object> state = TrafficGraph.build(List.of(now), Map.of(before.target, before));

        Map<String, Object> edge = edge(state, "service-a->service-b");
        assertEquals(40.0, edge.get("requestsPerSecond"), "(60 + 20) calls in 2 s");
        assertEquals(2.0, edge.get("errorsPerSecond"));
        assertEquals(30.0, lane(edge, "base").get("requestsPerSecond"));
        assertEquals(75L, lane(edge, "base").get("sharePercent"));
        assertEquals(10.0, lane(edge, "gray").get("requestsPerSecond"));
        assertEquals(25L, lane(edge, "gray").get("sharePercent"));
        assertEquals(3.0, lane(edge, "dev1").get("fallbacksPerSecond"));
        Map<String, Object> a = node(state, "service-a");
        assertEquals(1.0, a.get("tagLossesPerSecond"));
        assertEquals(3L, a.get("tagLosses"));
    }

    @Test
    void aCounterThatWentDownWasResetAndCountsFromZero() {
        AgentSample before = sample(10_000, metrics(1000, 0, 0, 0, 0));
        AgentSample now = sample(11_000, metrics(20, 0, 0, 0, 0));
        Map<String, Object> edge = edge(TrafficGraph.build(List.of(now), Map.of(before.target, before)),
                "service-a->service-b");
        assertEquals(20.0, edge.get("requestsPerSecond"));
    }

    @Test
    void theFirstPollShowsTheGraphWithoutRates() {
        Map<String, Object> state = TrafficGraph.build(List.of(sample(10_000, metrics(5, 0, 0, 0, 0))), Map.of());
        Map<String, Object> edge = edge(state, "service-a->service-b");
        assertEquals(0.0, edge.get("requestsPerSecond"));
        assertTrue(((List<?>) edge.get("lanes")).isEmpty());
    }

    @Test
    @SuppressWarnings("unchecked")
    void nodesCarryTheirAgentsAndTheInstancesCallersRouteAmong() {
        Map<String, Object> state = TrafficGraph.build(List.of(sample(10_000, metrics(5, 0, 0, 0, 0))), Map.of());

        Map<String, Object> a = node(state, "service-a");
        Map<String, Object> agent = ((List<Map<String, Object>>) a.get("agents")).get(0);
        assertEquals("127.0.0.1:9464", agent.get("target"));
        assertEquals(true, agent.get("reachable"));
        assertEquals("registered", agent.get("phase"));

        List<Map<String, Object>> instances = (List<Map<String, Object>>) node(state, "service-b").get("instances");
        assertEquals(3, instances.size());
        assertEquals(false, instances.get(0).get("ejected"));
        assertEquals(true, instances.get(1).get("ejected"));
        assertEquals("gray", instances.get(2).get("tag"));
        assertEquals(42.5, instances.get(2).get("warmupPercent"));
        assertEquals(List.of("service-a"), instances.get(2).get("seenBy"));

        Map<String, Object> rules = ((List<Map<String, Object>>) state.get("rules")).get(0);
        assertEquals("v2", rules.get("version"));
        assertEquals(List.of("127.0.0.1:9464"), rules.get("agents"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void anUnreachableAgentIsShownAsSuchUnderItsAnnouncedApplication() {
        AgentSample down = AgentSample.unreachable("127.0.0.1:1", new dev.lanes.core.rules.source.AgentAnnouncement(
                "service-c", "gray", "h1", "127.0.0.1:1", 42, 0), 10_000, "connection refused");
        Map<String, Object> state = TrafficGraph.build(List.of(down), Map.of());
        Map<String, Object> agent = ((List<Map<String, Object>>) node(state, "service-c").get("agents")).get(0);
        assertFalse((Boolean) agent.get("reachable"));
        assertEquals("connection refused", agent.get("error"));
        assertEquals("gray", agent.get("tag"));
        assertTrue(((List<?>) state.get("edges")).isEmpty());
    }

    private static final String IFACE = "org.apache.dubbo.samples.api.GreetingsService";

    private static AgentSample dubboCaller(long atMillis, long baseCalls, long grayCalls) {
        String called = "{\"" + IFACE + "\": [\n"
                + "  {\"address\": \"127.0.0.1:20880\", \"tag\": \"base\", \"ejectedUntil\": null},\n"
                + "  {\"address\": \"127.0.0.1:20881\", \"tag\": \"gray\", \"ejectedUntil\": null}],\n"
                + " \"service-d\": [{\"address\": \"127.0.0.1:8084\", \"tag\": \"base\", \"ejectedUntil\": null}]}";
        String metrics = "lanes_calls_total{service=\"" + IFACE + "\",lane=\"base\",instance_tag=\"base\","
                + "result=\"success\"} " + baseCalls + "\n"
                + "lanes_calls_total{service=\"service-d\",lane=\"gray\",instance_tag=\"base\",result=\"success\"} "
                + grayCalls + "\n";
        return AgentSample.answered("127.0.0.1:9001", null, atMillis, lanesDocument("service-b", null, called),
                PrometheusText.parse(metrics));
    }

    private static AgentSample provider(String target, String app, String tag, String... provides) {
        Map<String, Object> doc = lanesDocument(app, tag, "{}");
        doc.put("provides", List.of(provides));
        return AgentSample.answered(target, null, 10_000, doc, List.of());
    }

    @Test
    @SuppressWarnings("unchecked")
    void callsToAnInterfaceAreDrawnIntoTheApplicationThatProvidesIt() {
        AgentSample before = dubboCaller(10_000, 0, 0);
        AgentSample now = dubboCaller(12_000, 30, 10);
        Map<String, Object> state = TrafficGraph.build(List.of(now,
                provider("127.0.0.1:9002", "service-d", null, IFACE),
                provider("127.0.0.1:9003", "service-d", "gray", IFACE, "service-d")), Map.of(before.target, before));

        Map<String, Object> edge = edge(state, "service-b->service-d");
        assertEquals(20.0, edge.get("requestsPerSecond"), "the interface's and the application's calls: 40 in 2 s");
        assertEquals(15.0, lane(edge, "base").get("requestsPerSecond"));
        assertEquals(List.of(IFACE), edge.get("services"));
        for (Object n : (List<Object>) state.get("nodes")) {
            assertFalse(((Map<String, Object>) n).get("name").equals(IFACE), "no node of its own: " + n);
        }
        List<Map<String, Object>> instances = (List<Map<String, Object>>) node(state, "service-d").get("instances");
        assertEquals(3, instances.size(), String.valueOf(instances));
        assertNull(instances.get(0).get("service"), "called by the application's own name");
        assertEquals("127.0.0.1:8084", instances.get(0).get("address"));
        assertEquals(IFACE, instances.get(1).get("service"));
        assertEquals("127.0.0.1:20880", instances.get(1).get("address"));
        assertEquals("gray", instances.get(2).get("tag"));
        assertEquals(2, ((List<?>) node(state, "service-d").get("agents")).size());
    }

    @Test
    void anInterfaceTwoApplicationsProvideKeepsItsOwnNode() {
        Map<String, Object> state = TrafficGraph.build(List.of(dubboCaller(10_000, 0, 0),
                provider("127.0.0.1:9002", "service-d", null, IFACE),
                provider("127.0.0.1:9003", "service-e", null, IFACE)), Map.of());
        assertEquals(List.of(), edge(state, "service-b->" + IFACE).get("services"));
        assertEquals(2, ((List<?>) node(state, IFACE).get("instances")).size());
    }

    @Test
    void prometheusLabelsWithEscapesAreRead() {
        PrometheusText.Sample s = PrometheusText.parse(
                "lanes_tag_losses_total{via=\"thread\",site=\"a \\\"b\\\" c\\\\d\"} 4\n").get(0);
        assertEquals("lanes_tag_losses_total", s.name);
        assertEquals("a \"b\" c\\d", s.label("site"));
        assertEquals(4.0, s.value);
        assertNull(s.labels.get("absent"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> node(Map<String, Object> state, String name) {
        for (Object n : (List<Object>) state.get("nodes")) {
            if (((Map<String, Object>) n).get("name").equals(name)) {
                return (Map<String, Object>) n;
            }
        }
        throw new AssertionError("no node " + name + " in " + state.get("nodes"));
    }
}
