package dev.lanes.core.routing;

import dev.lanes.core.rules.OutlierSettings;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutlierDetectorTest {

    private static final long BASE_EJECTION = 30_000L;
    private static final long INTERVAL = 10_000L;

    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private final OutlierDetector detector = new OutlierDetector(clock::get);
    private final OutlierSettings settings = new OutlierSettings(true, 3, INTERVAL, BASE_EJECTION, 50, 50);

    private void fail(String address, int times) {
        for (int i = 0; i < times; i++) {
            detector.record("order", address, false, settings);
        }
    }

    private void succeed(String address) {
        detector.record("order", address, true, settings);
    }

    @Test
    void consecutiveErrorsEject() {
        succeed("b:1");
        fail("a:1", 2);
        assertFalse(detector.isEjected("order", "a:1"));
        fail("a:1", 1);
        assertTrue(detector.isEjected("order", "a:1"));
        assertFalse(detector.isEjected("order", "b:1"));
        assertFalse(detector.isEjected("stock", "a:1"));
        assertEquals(1, detector.ejectedCount("order"));
    }

    @Test
    void successResetsTheRun() {
        succeed("b:1");
        fail("a:1", 2);
        succeed("a:1");
        fail("a:1", 2);
        assertFalse(detector.isEjected("order", "a:1"));
    }

    @Test
    void ejectionExpiresAndGrowsWithRepeatedEjections() {
        succeed("b:1");
        fail("a:1", 3);
        clock.addAndGet(BASE_EJECTION - 1);
        assertTrue(detector.isEjected("order", "a:1"));
        clock.addAndGet(1);
        assertFalse(detector.isEjected("order", "a:1"), "first ejection lasts baseEjection");

        fail("a:1", 3);
        clock.addAndGet(2 * BASE_EJECTION - 1);
        assertTrue(detector.isEjected("order", "a:1"), "second ejection lasts 2 x baseEjection");
        clock.addAndGet(1);
        assertFalse(detector.isEjected("order", "a:1"));
    }

    @Test
    void ejectionMultiplierIsCappedAndDecaysWhileTheInstanceBehaves() {
        succeed("b:1");
        // Failing again as soon as each ejection ends: k x baseEjection, at most MAX x baseEjection.
        for (int k = 1; k <= 15; k++) {
            fail("a:1", 3);
            long expected = Math.min(k, OutlierDetector.MAX_EJECTION_MULTIPLIER) * BASE_EJECTION;
            clock.addAndGet(expected - 1);
            assertTrue(detector.isEjected("order", "a:1"), "ejection " + k);
            clock.addAndGet(1);
            assertFalse(detector.isEjected("order", "a:1"), "ejection " + k);
        }
        // Three calm intervals take three off the multiplier: the next ejection is the 8th.
        clock.addAndGet(3 * INTERVAL);
        fail("a:1", 3);
        clock.addAndGet(8 * BASE_EJECTION - 1);
        assertTrue(detector.isEjected("order", "a:1"));
        clock.addAndGet(1);
        assertFalse(detector.isEjected("order", "a:1"));
        // Calm for far longer: the next ejection is a first one again.
        clock.addAndGet(100 * INTERVAL);
        fail("a:1", 3);
        clock.addAndGet(BASE_EJECTION);
        assertFalse(detector.isEjected("order", "a:1"));
    }

    @Test
    void atMostMaxEjectionPercentOfKnownInstancesAreOut() {
        for (int i = 0; i < 10; i++) {
            succeed("i:" + i);
        }
        for (int i = 0; i < 8; i++) {
            fail("i:" + i, 3);
        }
        assertEquals(5, detector.ejectedCount("order"), "50% of 10 known instances");
        // One ejection ends: the next failing instance may take its place.
        clock.addAndGet(BASE_EJECTION);
        assertEquals(0, detector.ejectedCount("order"));
        fail("i:7", 3);
        assertTrue(detector.isEjected("order", "i:7"));
    }

    @Test
    void atLeastOneInstanceMayBeEjected() {
        OutlierSettings tiny = new OutlierSettings(true, 1, INTERVAL, BASE_EJECTION, 10, 50);
        detector.record("order", "a:1", false, tiny);
        detector.record("order", "b:1", false, tiny);
        assertTrue(detector.isEjected("order", "a:1"), "10% of 2 rounds down to 0, but one may go");
        assertFalse(detector.isEjected("order", "b:1"));
    }

    @Test
    void candidatesSeenByTheRouterCountAsKnownInstances() {
        fail("a:1", 1);
        detector.state("order").observe(4);
        fail("a:1", 2);
        fail("b:1", 3);
        assertEquals(2, detector.ejectedCount("order"), "50% of 4 offered candidates, not of 2 tracked");
    }

    @Test
    void disabledSettingsRecordNothing() {
        for (int i = 0; i < 10; i++) {
            detector.record("order", "a:1", false, OutlierSettings.OFF);
        }
        detector.record("order", "a:1", false, null);
        assertFalse(detector.isEjected("order", "a:1"));
        assertEquals(0, detector.trackedAddresses("order"));
    }

    @Test
    void addressesNotSeenForALongTimeAreForgotten() {
        succeed("gone:1");
        succeed("ejected:1");
        fail("ejected:1", 3);
        OutlierSettings longEjection = new OutlierSettings(true, 1, INTERVAL, OutlierDetector.STALE_MILLIS * 10, 100, 50);
        detector.record("order", "long:1", false, longEjection);
        assertEquals(3, detector.trackedAddresses("order"));

        clock.addAndGet(OutlierDetector.STALE_MILLIS + OutlierDetector.SWEEP_EVERY_MILLIS);
        succeed("fresh:1");
        assertEquals(2, detector.trackedAddresses("order"), "stale ones go, the still-ejected one stays");
        assertTrue(detector.isEjected("order", "long:1"));

        clock.addAndGet(OutlierDetector.STALE_MILLIS * 10);
        detector.record("stock", "x:1", true, settings);
        assertEquals(0, detector.trackedAddresses("order"));
    }

    @Test
    void concurrentFailuresRespectTheCap() throws Exception {
        int addresses = 20;
        for (int i = 0; i < addresses; i++) {
            succeed("c:" + i);
        }
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CyclicBarrier start = new CyclicBarrier(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (int round = 0; round < 50; round++) {
                        for (int i = 0; i < addresses; i++) {
                            detector.record("order", "c:" + i, false, settings);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(10, detector.ejectedCount("order"), "exactly 50% of 20, however the threads interleave");
    }

    // ---- the failure percentage: an error rate in a window ----

    /** Consecutive errors out of reach (1000), so that only the failure percentage can eject. */
    private OutlierSettings percent(int failurePercent, int minCalls) {
        return new OutlierSettings(true, 1000, INTERVAL, BASE_EJECTION, 50, 50, failurePercent, minCalls);
    }

    /** Calls to {@code address}, every {@code every}-th of them failing, at {@code gapMillis} apart. */
    private void flap(String address, int calls, int every, long gapMillis, OutlierSettings s) {
        for (int i = 1; i <= calls; i++) {
            detector.record("order", address, i % every != 0, s);
            clock.addAndGet(gapMillis);
        }
    }

    @Test
    void anInstanceFailingEveryThirdCallIsEjectedByItsFailurePercentageOnly() {
        OutlierSettings s = percent(30, 20);
        detector.record("order", "b:1", true, s);
        // 33 % failures, never two in a row: consecutive errors never eject it.
        flap("a:1", 18, 3, 10L, s);
        assertFalse(detector.isEjected("order", "a:1"), "under failureMinCalls (18 calls): not judged yet");
        flap("a:1", 3, 3, 10L, s);
        assertTrue(detector.isEjected("order", "a:1"), "21 calls, 7 failed (33 %) within the interval");
        assertEquals(1, detector.ejectedCount("order"));
    }

    @Test
    void aShareBelowTheThresholdDoesNotEject() {
        OutlierSettings s = percent(50, 20);
        detector.record("order", "b:1", true, s);
        flap("a:1", 300, 3, 10L, s);
        assertFalse(detector.isEjected("order", "a:1"), "33 % failed, the threshold is 50 %");
    }

    @Test
    void theWindowStartsAfreshEachInterval() {
        OutlierSettings s = percent(30, 20);
        detector.record("order", "b:1", true, s);
        // 10 calls per interval, every third failing: no window ever holds 20 calls.
        for (int interval = 0; interval < 5; interval++) {
            flap("a:1", 10, 3, INTERVAL / 10, s);
        }
        assertFalse(detector.isEjected("order", "a:1"), "50 calls in all, but never 20 in one interval");
    }

    @Test
    void withoutAFailurePercentageAFlappingInstanceStaysIn() {
        OutlierSettings s = new OutlierSettings(true, 3, INTERVAL, BASE_EJECTION, 50, 50);
        detector.record("order", "b:1", true, s);
        flap("a:1", 300, 2, 10L, s);
        assertFalse(detector.isEjected("order", "a:1"), "half its calls failed, never two in a row");
    }

    @Test
    void afterItsEjectionAnInstanceIsJudgedOnNewCallsOnly() {
        OutlierSettings s = percent(30, 20);
        detector.record("order", "b:1", true, s);
        flap("a:1", 21, 3, 10L, s);
        assertTrue(detector.isEjected("order", "a:1"));
        clock.addAndGet(BASE_EJECTION);
        assertFalse(detector.isEjected("order", "a:1"), "its ejection is over");
        // The first failure after the ejection does not eject again: the old window is gone.
        detector.record("order", "a:1", false, s);
        assertFalse(detector.isEjected("order", "a:1"));
    }
}
