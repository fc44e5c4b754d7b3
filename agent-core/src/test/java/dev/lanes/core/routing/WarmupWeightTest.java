package dev.lanes.core.routing;

import dev.lanes.core.rules.WarmupSettings;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WarmupWeightTest {

    private static final long NOW = 1_700_000_000_000L;
    private static final long WINDOW = 100_000L;

    private static int weight(double curve, int min, long uptimeMillis) {
        return WarmupWeight.percent(new WarmupSettings(true, WINDOW, curve, min), NOW - uptimeMillis, NOW);
    }

    @Test
    void linearCurveGrowsWithUptime() {
        assertEquals(30, weight(1.0, 0, 30_000L));
        assertEquals(50, weight(1.0, 0, 50_000L));
        assertEquals(99, weight(1.0, 0, 99_000L));
    }

    @Test
    void curveTwoRisesFasterEarly() {
        assertEquals(50, weight(2.0, 0, 25_000L));    // sqrt(0.25)
        assertEquals(80, weight(2.0, 0, 64_000L));    // sqrt(0.64)
        assertEquals(10, weight(2.0, 0, 1_000L));     // sqrt(0.01)
    }

    @Test
    void curveBelowOneRisesSlowerEarly() {
        assertEquals(25, weight(0.5, 0, 50_000L));    // 0.5^2
        assertEquals(1, weight(0.5, 0, 1_000L));      // 0.01^2 = 0.01%, never below 1
    }

    @Test
    void minimumWeightHoldsEarly() {
        assertEquals(10, weight(1.0, 10, 1_000L));
        assertEquals(10, weight(1.0, 10, 0L));
        assertEquals(30, weight(1.0, 10, 30_000L));
    }

    @Test
    void weightIsNeverZero() {
        assertEquals(1, weight(1.0, 0, 0L));
        assertEquals(1, weight(1.0, -5, 0L));
    }

    @Test
    void fullWeightAfterTheWindow() {
        assertEquals(100, weight(1.0, 10, WINDOW));
        assertEquals(100, weight(3.0, 10, 10 * WINDOW));
    }

    @Test
    void fullWeightWhenOffUnknownOrInTheFuture() {
        assertEquals(100, WarmupWeight.percent(WarmupSettings.OFF, NOW, NOW));
        assertEquals(100, WarmupWeight.percent(null, NOW, NOW));
        WarmupSettings on = new WarmupSettings(true, WINDOW, 1.0, 10);
        assertEquals(100, WarmupWeight.percent(on, -1L, NOW), "unknown start");
        assertEquals(100, WarmupWeight.percent(on, NOW + 5_000L, NOW), "start in the future (clock skew)");
        assertEquals(100, WarmupWeight.percent(new WarmupSettings(true, 0L, 1.0, 10), NOW, NOW), "empty window");
    }

    @Test
    void invalidCurveIsReadAsLinear() {
        assertEquals(30, weight(0.0, 0, 30_000L));
        assertEquals(30, weight(-2.0, 0, 30_000L));
        assertEquals(30, weight(Double.NaN, 0, 30_000L));
        assertEquals(30, weight(Double.POSITIVE_INFINITY, 0, 30_000L));
    }

    @Test
    void weightNeverDecreasesWithUptime() {
        for (double curve : new double[] {0.5, 1.0, 2.0, 5.0}) {
            int last = 0;
            for (long uptime = 0; uptime <= WINDOW + 1_000L; uptime += 250L) {
                int w = weight(curve, 10, uptime);
                assertTrue(w >= last && w >= 10 && w <= 100, "curve " + curve + " uptime " + uptime + ": " + w);
                last = w;
            }
            assertEquals(100, last);
        }
    }
}
