package dev.lanes.plugin.dubbo.common;

import static dev.lanes.plugin.dubbo.Fixtures.consumerUrl;
import static dev.lanes.plugin.dubbo.Fixtures.invocation;
import static dev.lanes.plugin.dubbo.Fixtures.list;
import static dev.lanes.plugin.dubbo.Fixtures.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.bridge.LaneUnavailableException;
import dev.lanes.bridge.TrafficContext;
import dev.lanes.plugin.dubbo.Fixtures;
import dev.lanes.plugin.dubbo.Fixtures.Provider;
import java.util.List;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.RpcException;
import org.apache.dubbo.rpc.RpcInvocation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The router logic shared by the 2.7 Router and the 3.x StateRouter, over the real engine. */
class DubboRoutingTest {

    private final Provider base = provider(20880, "");
    private final Provider gray = provider(20881, "lanes.tag=gray");
    private final Provider dev1 = provider(20882, "lanes.tag=dev1");
    @SuppressWarnings({"unchecked", "rawtypes"})
    private final List<Invoker<Object>> all = (List) list(base, gray, dev1);

    @AfterEach
    void reset() {
        Fixtures.reset();
    }

    @Test
    void untaggedCallsGoToBaseProvidersOnly() throws Exception {
        Fixtures.install(null, null, null);
        assertEquals(list(base), DubboRouting.route(all, consumerUrl(), invocation("sayHello", "x")));
    }

    @Test
    void theThreadsTagPicksItsLaneAndFallsBackToBase() throws Exception {
        Fixtures.install(null, null, null);
        TrafficContext.attach("gray");
        assertEquals(list(gray), DubboRouting.route(all, consumerUrl(), invocation("sayHello", "x")));
        TrafficContext.attach("blue");
        assertEquals(list(base), DubboRouting.route(all, consumerUrl(), invocation("sayHello", "x")));
    }

    @Test
    void aTagTheCallCarriesWinsOverTheThreadsAndTheThreadKeepsItsOwn() throws Exception {
        Fixtures.install(null, null, null);
        TrafficContext.attach("gray");
        RpcInvocation call = invocation("sayHello", "x");
        call.setAttachment(TrafficContext.ATTACHMENT, "dev1");
        assertEquals(list(dev1), DubboRouting.route(all, consumerUrl(), call));
        assertEquals("gray", TrafficContext.tag());
        call.setAttachment(TrafficContext.ATTACHMENT, "not a tag!");
        assertEquals(list(gray), DubboRouting.route(all, consumerUrl(), call));
    }

    @Test
    void routesMatchAHeaderCarriedFromAnEarlierHop() throws Exception {
        Fixtures.install(null, String.join("\n",
                "propagate: [x-env]",
                "routes:",
                "  - service: " + Fixtures.SERVICE,
                "    match: {headers: {x-env: dev1}}",
                "    to: {tag: dev1}"), null);
        Object previous = TrafficContext.enter(TrafficContext.state(null,
                dev.lanes.bridge.CarriedHeaders.of("x-env", "dev1")));
        try {
            assertEquals(list(dev1), DubboRouting.route(all, consumerUrl(), invocation("sayHello", "x")),
                    "the call has no x-env attachment yet; the carried value matches");
        } finally {
            TrafficContext.exit(previous);
        }
        assertEquals(list(base), DubboRouting.route(all, consumerUrl(), invocation("sayHello", "x")));
    }

    @Test
    void aTaggedInstancesOwnCallsPreferItsLane() throws Exception {
        Fixtures.install("gray", null, null);
        assertEquals(list(gray), DubboRouting.route(all, consumerUrl(), invocation("sayHello", "x")));
    }

    @Test
    void customRoutesMatchMethodArgumentsAndAttachmentsByInterfaceOrApplication() throws Exception {
        Fixtures.install(null, String.join("\n",
                "routes:",
                "  - service: " + Fixtures.SERVICE,
                "    match: {method: sayHello, args: {0: {prefix: vip-}}}",
                "    to: {tag: gray}",
                "  - service: " + Fixtures.SERVICE,
                "    match: {headers: {x-env: dev1}}",
                "    to: {tag: dev1}"), null);
        assertEquals(list(gray), DubboRouting.route(all, consumerUrl(), invocation("sayHello", "vip-7")));
        assertEquals(list(base), DubboRouting.route(all, consumerUrl(), invocation("sayHello", "plain")));
        assertEquals(list(base), DubboRouting.route(all, consumerUrl(), invocation("sayBye", "vip-7")));
        RpcInvocation withHeader = invocation("sayBye", "x");
        withHeader.setAttachment("X-Env", "dev1");
        assertEquals(list(dev1), DubboRouting.route(all, consumerUrl(), withHeader));

        Fixtures.install(null, String.join("\n",
                "routes:",
                "  - service: greeting-provider",
                "    match: {method: sayHello}",
                "    to: {tag: dev1}"), null);
        assertEquals(list(dev1), DubboRouting.route(all, consumerUrl(), invocation("sayHello", "x")));

        // Dubbo 3's interface-level provider URLs answer "application" with the provider's.
        Provider base3 = new Provider(URL.valueOf("dubbo://127.0.0.1:20890/" + Fixtures.SERVICE + "?interface="
                + Fixtures.SERVICE + "&application=greeting-provider"));
        Provider dev13 = new Provider(URL.valueOf("dubbo://127.0.0.1:20891/" + Fixtures.SERVICE + "?interface="
                + Fixtures.SERVICE + "&application=greeting-provider&lanes.tag=dev1"));
        @SuppressWarnings({"unchecked", "rawtypes"})
        List<Invoker<Object>> dubbo3 = (List) list(base3, dev13);
        assertEquals(list(dev13), DubboRouting.route(dubbo3, consumerUrl(), invocation("sayHello", "x")));
    }

    @Test
    void genericCallsAreMatchedAsTheCallTheyStandFor() throws Exception {
        Fixtures.install(null, String.join("\n",
                "routes:",
                "  - service: " + Fixtures.SERVICE,
                "    match: {method: sayHello, args: {0: vip}}",
                "    to: {tag: gray}"), null);
        RpcInvocation generic = invocation("$invoke", "sayHello", new String[] {"java.lang.String"},
                new Object[] {"vip"});
        assertEquals(list(gray), DubboRouting.route(all, consumerUrl(), generic));
    }

    @Test
    void aStrictLaneLeavesNoProviderAndTheClusterFailsWithTheLanesMessage() throws Exception {
        Fixtures.install(null, "lanes: [{name: blue, tag: blue, fallback: none}]", null);
        TrafficContext.attach("blue");
        RpcInvocation call = invocation("sayHello", "x");
        assertTrue(DubboRouting.route(all, consumerUrl(), call).isEmpty());
        RpcException noProvider = new RpcException(RpcException.NO_INVOKER_AVAILABLE_AFTER_FILTER, "No provider");
        Throwable thrown = StrictLanes.failure(call, noProvider);
        RpcException e = assertInstanceOf(RpcException.class, thrown);
        assertEquals(RpcException.FORBIDDEN_EXCEPTION, e.getCode());
        assertTrue(e.getMessage().contains("service '" + Fixtures.SERVICE + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("strict lane 'blue'"), e.getMessage());
        assertInstanceOf(LaneUnavailableException.class, e.getCause());

        // Once routing succeeds again, Dubbo's own errors are left as they are.
        TrafficContext.attach(null);
        assertEquals(list(base), DubboRouting.route(all, consumerUrl(), call));
        assertSame(noProvider, StrictLanes.failure(call, noProvider));
    }

    @Test
    void dubbosOwnServicesAndEmptyListsAreLeftAlone() throws Exception {
        Fixtures.install(null, null, null);
        URL metadata = URL.valueOf("consumer://127.0.0.1/org.apache.dubbo.metadata.MetadataService"
                + "?interface=org.apache.dubbo.metadata.MetadataService");
        assertSame(all, DubboRouting.route(all, metadata, invocation("getMetadataInfo", "r")));
        List<Invoker<Object>> none = List.of();
        assertSame(none, DubboRouting.route(none, consumerUrl(), null));
    }

    @Test
    void withNoTaggedProviderRoutingIsTheFrameworksOwn() throws Exception {
        Fixtures.install(null, null, null);
        @SuppressWarnings({"unchecked", "rawtypes"})
        List<Invoker<Object>> untagged = (List) list(base, provider(20883, ""));
        TrafficContext.attach("gray");
        assertSame(untagged, DubboRouting.route(untagged, consumerUrl(), invocation("sayHello", "x")));
        assertNull(StrictLanes.failure(null, null));
    }
}
