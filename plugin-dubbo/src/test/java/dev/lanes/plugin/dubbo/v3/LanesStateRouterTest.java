package dev.lanes.plugin.dubbo.v3;

import static dev.lanes.plugin.dubbo.Fixtures.consumerUrl;
import static dev.lanes.plugin.dubbo.Fixtures.invocation;
import static dev.lanes.plugin.dubbo.Fixtures.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.bridge.TrafficContext;
import dev.lanes.plugin.dubbo.Fixtures;
import dev.lanes.plugin.dubbo.common.Filters;
import java.util.ArrayList;
import java.util.List;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.common.utils.Holder;
import org.apache.dubbo.metadata.MetadataParamsFilter;
import org.apache.dubbo.rpc.Invocation;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.cluster.router.RouterSnapshotNode;
import org.apache.dubbo.rpc.cluster.router.state.BitList;
import org.apache.dubbo.rpc.cluster.router.state.StateRouter;
import org.apache.dubbo.rpc.cluster.router.state.StateRouterFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Dubbo 3 state router on Dubbo's own BitList, and the extensions Dubbo 3 activates. */
class LanesStateRouterTest {

    @AfterEach
    void reset() {
        Fixtures.reset();
    }

    /** A directory's providers: base, gray, base. */
    private static List<Invoker<Object>> baseGrayBase() {
        return new ArrayList<>(List.of(provider(20880, ""), provider(20881, "lanes.tag=gray"), provider(20882, "")));
    }

    @Test
    void narrowsTheBitListAndHandsTheRestToTheNextRouter() throws Exception {
        Fixtures.install(null, null, null);
        List<Invoker<Object>> providers = baseGrayBase();
        BitList<Invoker<Object>> all = new BitList<>(providers);
        StateRouter<Object> router = LanesStateRouterFactory.INSTANCE.getRouter(Object.class, consumerUrl());
        List<BitList<Invoker<Object>>> handedOn = new ArrayList<>();
        router.setNextRouter(new Recording<>(handedOn));

        TrafficContext.attach("gray");
        BitList<Invoker<Object>> gray = router.route(all, consumerUrl(), invocation("sayHello"), false, null);
        assertEquals(List.of(providers.get(1)), new ArrayList<>(gray));
        assertEquals(3, all.size(), "the directory's list is not changed");
        TrafficContext.attach(null);
        BitList<Invoker<Object>> base = router.route(all, consumerUrl(), invocation("sayHello"), false, null);
        assertEquals(List.of(providers.get(0), providers.get(2)), new ArrayList<>(base));
        assertSame(gray, handedOn.get(0));

        Fixtures.install(null, "lanes: [{name: blue, tag: blue, fallback: none}]", null);
        TrafficContext.attach("blue");
        assertTrue(router.route(all, consumerUrl(), invocation("sayHello"), false, null).isEmpty());
    }

    @Test
    void withNothingToLeaveOutTheSameListGoesOn() throws Exception {
        Fixtures.install(null, null, null);
        BitList<Invoker<Object>> all = new BitList<>(new ArrayList<>(List.of(provider(20880, ""), provider(20881, ""))));
        StateRouter<Object> router = LanesStateRouterFactory.INSTANCE.getRouter(Object.class, consumerUrl());
        assertSame(all, router.route(all, consumerUrl(), invocation("sayHello"), false, null));
    }

    @Test
    void theEngineGetsTheDirectorysOwnListWhileNoRouterLeftAProviderOut() throws Exception {
        List<Invoker<Object>> providers = baseGrayBase();
        BitList<Invoker<Object>> directory = new BitList<>(providers);
        // Dubbo's router chain hands each call a clone: the same providers list underneath.
        assertSame(providers, LanesStateRouter.candidates(directory.clone()));
        assertSame(providers, LanesStateRouter.candidates(directory.clone()));

        BitList<Invoker<Object>> narrowed = directory.clone();
        narrowed.remove(providers.get(0));
        List<Invoker<Object>> copy = LanesStateRouter.candidates(narrowed);
        assertEquals(List.of(providers.get(1), providers.get(2)), copy, "a router before left one out: a copy");

        BitList<Invoker<Object>> withTail = directory.clone();
        withTail.addToTailList(provider(20883, ""));
        assertEquals(4, LanesStateRouter.candidates(withTail).size());
    }

    @Test
    void routingOverTheDirectorysListStillNarrowsEachCallsClone() throws Exception {
        Fixtures.install(null, null, null);
        List<Invoker<Object>> providers = baseGrayBase();
        BitList<Invoker<Object>> directory = new BitList<>(providers);
        StateRouter<Object> router = LanesStateRouterFactory.INSTANCE.getRouter(Object.class, consumerUrl());
        for (int i = 0; i < 3; i++) {   // grouped from the second call on
            TrafficContext.attach("gray");
            assertEquals(List.of(providers.get(1)), new ArrayList<>(
                    router.route(directory.clone(), consumerUrl(), invocation("sayHello"), false, null)));
            TrafficContext.attach(null);
            assertEquals(List.of(providers.get(0), providers.get(2)), new ArrayList<>(
                    router.route(directory.clone(), consumerUrl(), invocation("sayHello"), false, null)));
        }
        assertEquals(3, directory.size(), "the directory's list is not changed");
        assertEquals(3, providers.size());
    }

    @Test
    void dubbo3ActivatesTheLanesFiltersStateRouterAndMetadataParameters() {
        assertEquals(List.of("x", LanesStateRouterFactory.INSTANCE),
                Dubbo3Extensions.activated(StateRouterFactory.class, null, List.of("x")));
        assertEquals(List.of(LanesMetadataParamsFilter.INSTANCE),
                Dubbo3Extensions.activated(MetadataParamsFilter.class, null, List.of()));
        assertEquals(List.of(dev.lanes.plugin.dubbo.common.ProviderFilter.INSTANCE, "a", "b",
                        dev.lanes.plugin.dubbo.common.ProviderSpanFilter.INSTANCE),
                Dubbo3Extensions.activated(org.apache.dubbo.rpc.Filter.class, "provider", List.of("a", "b")));
        assertEquals(List.of("x"), Dubbo3Extensions.activated(String.class, null, List.of("x")));
        assertEquals(List.of("x"), Dubbo3Extensions.activated(null, null, List.of("x")));
        assertEquals(List.of(Filters.FILTER_TYPE), List.of(org.apache.dubbo.rpc.Filter.class.getName()));
        String[] lanesKeys = {"lanes.tag", "lanes.start"};
        assertEquals(List.of(lanesKeys), List.of(LanesMetadataParamsFilter.INSTANCE.instanceParamsIncluded()));
        assertEquals(List.of(lanesKeys), List.of(LanesMetadataParamsFilter.INSTANCE.serviceParamsExcluded()));
    }

    /** The end of the chain: remembers what reached it. */
    private static final class Recording<T> implements StateRouter<T> {
        private final List<BitList<Invoker<T>>> seen;

        Recording(List<BitList<Invoker<T>>> seen) {
            this.seen = seen;
        }

        @Override
        public URL getUrl() {
            return null;
        }

        @Override
        public BitList<Invoker<T>> route(BitList<Invoker<T>> invokers, URL url, Invocation invocation,
                boolean needToPrintMessage, Holder<RouterSnapshotNode<T>> nodeHolder) {
            seen.add(invokers);
            return invokers;
        }

        @Override
        public boolean isRuntime() {
            return true;
        }

        @Override
        public boolean isForce() {
            return false;
        }

        @Override
        public void notify(BitList<Invoker<T>> invokers) {
        }

        @Override
        public String buildSnapshot() {
            return "recording";
        }

        @Override
        public void setNextRouter(StateRouter<T> nextRouter) {
        }
    }
}
