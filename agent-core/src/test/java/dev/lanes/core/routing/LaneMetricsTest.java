package dev.lanes.core.routing;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;

import static dev.lanes.core.routing.LaneMetrics.Kind.FALLBACK_BASE;
import static dev.lanes.core.routing.LaneMetrics.Kind.INBOUND;
import static dev.lanes.core.routing.LaneMetrics.Kind.ROUTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LaneMetricsTest {

    @Test
    void countsPerLaneAndKindWithNullAsBase() {
        LaneMetrics metrics = new LaneMetrics();
        metrics.increment("gray", ROUTED);
        metrics.increment("gray", ROUTED);
        metrics.increment("gray", FALLBACK_BASE);
        metrics.increment(null, INBOUND);

        assertEquals(2, metrics.count("gray", ROUTED));
        assertEquals(1, metrics.count("gray", FALLBACK_BASE));
        assertEquals(1, metrics.count("base", INBOUND));
        assertEquals(1, metrics.count(null, INBOUND));
        assertEquals(0, metrics.count("nobody", INBOUND));
    }

    @Test
    void snapshotNamesEveryCounterOfEveryLane() {
        LaneMetrics metrics = new LaneMetrics();
        metrics.increment("gray", ROUTED);
        metrics.increment(null, INBOUND);

        Map<String, Map<String, Long>> snapshot = metrics.snapshot();
        assertEquals(Set.of("base", "gray"), snapshot.keySet());
        assertEquals(List.of("inbound", "routed", "fallbackToBase", "fallbackToAny", "strictFailures",
                "dryRunDifferences"), new ArrayList<>(snapshot.get("gray").keySet()));
        assertEquals(1L, snapshot.get("gray").get("routed"));
        assertEquals(0L, snapshot.get("gray").get("inbound"));
        assertEquals(1L, snapshot.get("base").get("inbound"));
        metrics.increment("gray", ROUTED);
        assertEquals(1L, snapshot.get("gray").get("routed"), "a snapshot is a copy");
    }

    @Test
    void lanesBeyondTheBoundAreCountedAsOther() {
        LaneMetrics metrics = new LaneMetrics(2);
        for (String lane : new String[] {"a", "b", "c", "d", "a"}) {
            metrics.increment(lane, INBOUND);
        }
        metrics.increment(null, INBOUND);

        assertEquals(Set.of("a", "b", "other", "base"), metrics.snapshot().keySet());
        assertEquals(2, metrics.count("a", INBOUND));
        assertEquals(2, metrics.count("other", INBOUND));
        assertEquals(0, metrics.count("c", INBOUND));
    }

    @Test
    void boundMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LaneMetrics(0));
        assertTrue(e.getMessage().contains("maxLanes") && e.getMessage().contains("0"), e.getMessage());
    }

    @Test
    void concurrentIncrementsAreNotLost() throws Exception {
        LaneMetrics metrics = new LaneMetrics(8);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 10_000; i++) {
                        metrics.increment("lane" + (i % 16), ROUTED);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        long total = 0;
        for (Map<String, Long> lane : metrics.snapshot().values()) {
            total += lane.get("routed");
        }
        assertEquals(40_000, total);
        assertEquals(9, metrics.snapshot().size(), "8 named lanes and other");
    }

    @Test
    void countsOutboundCallsPerServiceAndInboundRequestsByDyeing() {
        LaneMetrics metrics = new LaneMetrics();
        metrics.outbound("stock", "gray", ROUTED);
        metrics.outbound("stock", "gray", ROUTED);
        metrics.outbound("payment", "gray", FALLBACK_BASE);
        metrics.inbound("gray", LaneMetrics.Dyeing.RULE);
        metrics.inbound(null, LaneMetrics.Dyeing.NONE);

        assertEquals(2, metrics.count("stock", "gray", ROUTED));
        assertEquals(1, metrics.count("payment", "gray", FALLBACK_BASE));
        assertEquals(2, metrics.count("gray", ROUTED), "the lane's total counts every service");
        assertEquals(1, metrics.count("gray", LaneMetrics.Dyeing.RULE));
        assertEquals(1, metrics.count("gray", INBOUND));

        StringBuilder page = new StringBuilder();
        metrics.writePrometheus(page);
        String text = page.toString();
        assertTrue(text.contains("lanes_outbound_calls_total{service=\"stock\",lane=\"gray\",outcome=\"routed\"} 2"),
                text);
        assertTrue(text.contains("lanes_inbound_requests_total{lane=\"gray\",dyed_by=\"rule\"} 1"), text);
        assertTrue(text.contains("lanes_inbound_requests_total{lane=\"base\",dyed_by=\"none\"} 1"), text);
        assertTrue(text.contains("# TYPE lanes_outbound_calls_total counter"), text);
    }

    @Test
    void callDurationsFillCumulativeBuckets() {
        LaneMetrics metrics = new LaneMetrics();
        metrics.call("stock", "gray", "gray", true, 3_000_000L);     // 3 ms: le 0.005 and up
        metrics.call("stock", "gray", "gray", true, 40_000_000L);    // 40 ms: le 0.05 and up
        metrics.call("stock", "gray", "gray", false, 20_000_000_000L); // 20 s: +Inf only
        metrics.call("stock", "gray", "gray", false, -1L);           // no duration

        assertEquals(2, metrics.calls("stock", "gray", "gray", true));
        assertEquals(2, metrics.calls("stock", "gray", "gray", false));
        StringBuilder page = new StringBuilder();
        metrics.writePrometheus(page);
        String text = page.toString();
        String series = "service=\"stock\",lane=\"gray\",instance_tag=\"gray\"";
        assertTrue(text.contains("lanes_call_duration_seconds_bucket{" + series + ",le=\"0.005\"} 1"), text);
        assertTrue(text.contains("lanes_call_duration_seconds_bucket{" + series + ",le=\"0.025\"} 1"), text);
        assertTrue(text.contains("lanes_call_duration_seconds_bucket{" + series + ",le=\"0.05\"} 2"), text);
        assertTrue(text.contains("lanes_call_duration_seconds_bucket{" + series + ",le=\"10.0\"} 2"), text);
        assertTrue(text.contains("lanes_call_duration_seconds_bucket{" + series + ",le=\"+Inf\"} 3"), text);
        assertTrue(text.contains("lanes_call_duration_seconds_count{" + series + "} 3"), text);
        assertTrue(text.contains("lanes_call_duration_seconds_sum{" + series + "} 20.043"), text);
        assertTrue(text.contains("lanes_calls_total{" + series + ",result=\"error\"} 2"), text);
    }

    @Test
    void boundsServicesAndCallSeriesAndEscapesLabels() {
        LaneMetrics metrics = new LaneMetrics(256, 2);
        metrics.outbound("a", "gray", ROUTED);
        metrics.outbound("b", "gray", ROUTED);
        metrics.outbound("c", "gray", ROUTED);
        assertEquals(1, metrics.count("other", "gray", ROUTED), "a third service is counted as other");
        for (int i = 0; i < LaneMetrics.MAX_CALL_SERIES + 5; i++) {
            metrics.call("svc-" + i, null, null, true, -1L);
        }
        assertEquals(5, metrics.calls("other", "other", "other", true));
        // A quote, a backslash and a newline, as the Prometheus text format escapes them.
        assertEquals("a\\\"b\\\\c\\nd", LaneMetrics.label("a\"b\\c\nd"));
        assertEquals("plain", LaneMetrics.label("plain"));
    }
}
