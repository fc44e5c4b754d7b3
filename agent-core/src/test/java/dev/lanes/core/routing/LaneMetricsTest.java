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
}
