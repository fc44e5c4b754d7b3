package dev.lanes.core.routing;

import dev.lanes.core.rules.Fallback;
import dev.lanes.core.rules.OutlierSettings;
import dev.lanes.core.rules.StringMatch;
import dev.lanes.core.rules.WarmupSettings;
import dev.lanes.core.routing.Fixtures.Harness;
import dev.lanes.core.routing.Fixtures.Inst;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import static dev.lanes.core.routing.Fixtures.Rules.rules;
import static dev.lanes.core.routing.Fixtures.START;
import static dev.lanes.core.routing.Fixtures.VIEW;
import static dev.lanes.core.routing.Fixtures.header;
import static dev.lanes.core.routing.Fixtures.lane;
import static dev.lanes.core.routing.Fixtures.route;
import static dev.lanes.core.routing.Fixtures.to;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code choose} must not allocate in the steady state: the JVM's per-thread allocation
 * counter over many calls stays below one byte per call (the counter itself is coarse, so a
 * few stray bytes of JIT or class-loading bookkeeping are tolerated, one object per call is not).
 */
class ChooseAllocationTest {

    private static final int CALLS = 50_000;

    @Test
    void chooseDoesNotAllocateInTheSteadyState() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported()
                && threads.isThreadAllocatedMemoryEnabled(), "per-thread allocation counter unavailable");

        Harness h = new Harness().with(rules()
                .lanes(lane("gray", Fallback.BASE), lane("dev1", Fallback.NONE))
                .routes(route("order", header("x-env", StringMatch.exact("dev1")), to("dev1", 100)),
                        route("order", header("x-canary", StringMatch.present()), to(null, 80), to("gray", 20)))
                .warmup(new WarmupSettings(true, 120_000L, 2.0, 10))
                .outlier(new OutlierSettings(true, 5, 10_000L, 3_600_000L, 50, 50)));
        List<Inst> instances = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String tag = i % 10 == 0 ? "gray" : i % 10 == 5 ? "dev1" : null;
            long start = i % 7 == 0 ? START - 30_000L : START - 3_600_000L;
            instances.add(new Inst("10.0." + (i / 250) + "." + (i % 250) + ":8080", tag, start));
        }
        for (int i = 0; i < 5; i++) {
            h.router.record("order", instances.get(1).address(), false);
        }
        DescribedRequest plain = DescribedRequest.of();
        DescribedRequest canary = DescribedRequest.of().header("x-canary", "1");
        DescribedRequest dev = DescribedRequest.of().header("x-env", "dev1");

        // The tag is attached around whole loops: attaching per call would allocate a
        // ThreadLocal entry each time, which is the inbound instrumentation's cost, not choose's.
        Runnable calls = () -> {
            for (int i = 0; i < CALLS; i++) {
                assertNotNull(h.router.choose("order", instances, VIEW, null, null, plain));
                assertNotNull(h.router.choose("order", instances, VIEW, null, null, canary));
                assertNotNull(h.router.choose("order", instances, VIEW, null, null, dev));
            }
            for (int i = 0; i < CALLS; i++) {
                assertNotNull(h.router.choose("order", instances, VIEW, "gray", null, plain));
            }
        };
        calls.run();    // warm: buffers sized, counters and lanes created, code compiled
        long before = threads.getCurrentThreadAllocatedBytes();
        calls.run();
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        long perCall = allocated / (4L * CALLS);
        assertTrue(allocated < 4L * CALLS, "choose allocated " + allocated + " bytes over " + (4L * CALLS)
                + " calls (" + perCall + " per call)");
    }
}
