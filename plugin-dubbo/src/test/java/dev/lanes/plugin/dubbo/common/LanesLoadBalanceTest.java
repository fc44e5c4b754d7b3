package dev.lanes.plugin.dubbo.common;

import static dev.lanes.plugin.dubbo.Fixtures.invocation;
import static dev.lanes.plugin.dubbo.Fixtures.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.plugin.dubbo.Fixtures;
import dev.lanes.plugin.dubbo.Fixtures.Provider;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.rpc.Invocation;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.cluster.LoadBalance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Warm-up weights through the wrapped load balance; otherwise Dubbo's own choice. */
class LanesLoadBalanceTest {

    private static final long NOW = 1_800_000_000_000L;

    /** Dubbo's load balance stand-in: always the first, and counts its calls. */
    private static final class First implements LoadBalance {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public <T> Invoker<T> select(List<Invoker<T>> invokers, URL url, Invocation invocation) {
            calls.incrementAndGet();
            return invokers.get(0);
        }
    }

    @AfterEach
    void reset() {
        Fixtures.reset();
    }

    @Test
    void wrapsOnceAndLeavesOtherObjectsAlone() {
        First first = new First();
        Object wrapped = LanesLoadBalance.wrap(first);
        assertSame(wrapped, LanesLoadBalance.wrap(first));
        assertSame(wrapped, LanesLoadBalance.wrap(wrapped));
        assertSame(first, ((LanesLoadBalance) wrapped).delegate());
        assertEquals("not a load balance", LanesLoadBalance.wrap("not a load balance"));
    }

    @Test
    void withoutWarmUpDubbosLoadBalanceChooses() throws Exception {
        Fixtures.install(null, null, () -> NOW);
        First first = new First();
        LoadBalance balance = (LoadBalance) LanesLoadBalance.wrap(first);
        List<Invoker<Object>> providers = providers();
        for (int i = 0; i < 20; i++) {
            assertSame(providers.get(0), balance.select(providers, Fixtures.consumerUrl(), invocation("sayHello")));
        }
        assertEquals(20, first.calls.get());
    }

    @Test
    void whileWarmUpWeightsDifferLanesPicksByThem() throws Exception {
        Fixtures.install(null, "warmup: {window: 100s, curve: 1, minWeightPercent: 0}", () -> NOW);
        First first = new First();
        LoadBalance balance = (LoadBalance) LanesLoadBalance.wrap(first);
        List<Invoker<Object>> providers = providers();
        int toTheNewOne = 0;
        for (int i = 0; i < 200; i++) {
            if (balance.select(providers, Fixtures.consumerUrl(), invocation("sayHello")) == providers.get(0)) {
                toTheNewOne++;
            }
        }
        // The first provider started 1 s ago (weight 1 against 100): it is all but left out. It
        // gets about 2 of the 200 calls (p = 1/101); the tolerance, fewer than 20, fails a correct
        // balance with probability P(X >= 20) ≈ 2.4e-14, and lets one that ignores the weights
        // (p = 1/2) pass with P(X < 20) ≈ 1.2e-34, both binomial over 200 calls.
        assertTrue(toTheNewOne < 20, "a provider 1 s into a 100 s warm-up got " + toTheNewOne + " of 200 calls");
        assertEquals(0, first.calls.get());
    }

    private static List<Invoker<Object>> providers() {
        Provider justStarted = provider(20880, "lanes.start=" + (NOW - 1_000));
        Provider warm = provider(20881, "lanes.start=" + (NOW - 1_000_000));
        return new ArrayList<>(List.of(justStarted, warm));
    }
}
