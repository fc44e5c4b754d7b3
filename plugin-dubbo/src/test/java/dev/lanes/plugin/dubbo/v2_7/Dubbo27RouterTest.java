package dev.lanes.plugin.dubbo.v2_7;

import static dev.lanes.plugin.dubbo.Fixtures.consumerUrl;
import static dev.lanes.plugin.dubbo.Fixtures.invocation;
import static dev.lanes.plugin.dubbo.Fixtures.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.bridge.TrafficContext;
import dev.lanes.plugin.dubbo.Fixtures;
import dev.lanes.plugin.dubbo.common.ConsumerFilter;
import java.util.ArrayList;
import java.util.List;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.cluster.Router;
import org.apache.dubbo.rpc.cluster.RouterFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Dubbo 2.7 router and the extensions Dubbo 2.7 activates. */
class Dubbo27RouterTest {

    @AfterEach
    void reset() {
        Fixtures.reset();
    }

    @Test
    void runsLastAtRuntimeAndRoutesByLane() throws Exception {
        Fixtures.install(null, null, null);
        Router router = Dubbo27RouterFactory.INSTANCE.getRouter(consumerUrl());
        assertEquals(Integer.MAX_VALUE, router.getPriority());
        assertTrue(router.isRuntime());
        assertFalse(router.isForce());
        List<Invoker<Object>> providers = new ArrayList<>(List.of(provider(20880, ""), provider(20881, "lanes.tag=gray")));
        TrafficContext.attach("gray");
        assertEquals(List.of(providers.get(1)), router.route(providers, consumerUrl(), invocation("sayHello")));
    }

    @Test
    void dubbo27ActivatesTheLanesFiltersAndRouterFactory() {
        assertEquals(List.of("x", Dubbo27RouterFactory.INSTANCE),
                Dubbo27Extensions.activated(RouterFactory.class, null, List.of("x")));
        assertEquals(List.of(ConsumerFilter.INSTANCE, "x"),
                Dubbo27Extensions.activated(org.apache.dubbo.rpc.Filter.class, "consumer", List.of("x")));
        assertEquals(List.of("x"), Dubbo27Extensions.activated(Object.class, "consumer", List.of("x")));
    }
}
