package dev.lanes.plugin.dubbo.common;

import static dev.lanes.plugin.dubbo.Fixtures.invocation;
import static dev.lanes.plugin.dubbo.Fixtures.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.bridge.CarriedHeaders;
import dev.lanes.bridge.TrafficContext;
import dev.lanes.plugin.dubbo.Fixtures;
import dev.lanes.plugin.dubbo.Fixtures.Provider;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.dubbo.rpc.AppResponse;
import org.apache.dubbo.rpc.AsyncRpcResult;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.RpcException;
import org.apache.dubbo.rpc.RpcInvocation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The consumer and provider filters, and how they join Dubbo's activated filters. */
class FiltersTest {

    @AfterEach
    void reset() {
        Fixtures.reset();
    }

    @Test
    void theConsumerFilterSendsTheThreadsTagUnlessTheCallCarriesAValidOne() throws Exception {
        Fixtures.install(null, null, null);
        Provider provider = provider(20880, "");
        TrafficContext.attach("gray");
        RpcInvocation plain = invocation("sayHello", "x");
        ConsumerFilter.INSTANCE.invoke(provider, plain);
        assertEquals("gray", plain.getAttachment(TrafficContext.ATTACHMENT));

        RpcInvocation own = invocation("sayHello", "x");
        own.setAttachment(TrafficContext.ATTACHMENT, "dev1");
        ConsumerFilter.INSTANCE.invoke(provider, own);
        assertEquals("dev1", own.getAttachment(TrafficContext.ATTACHMENT));

        RpcInvocation malformed = invocation("sayHello", "x");
        malformed.setAttachment(TrafficContext.ATTACHMENT, "no such tag!");
        ConsumerFilter.INSTANCE.invoke(provider, malformed);
        assertEquals("gray", malformed.getAttachment(TrafficContext.ATTACHMENT));

        TrafficContext.attach(null);
        RpcInvocation untagged = invocation("sayHello", "x");
        ConsumerFilter.INSTANCE.invoke(provider, untagged);
        assertNull(untagged.getAttachment(TrafficContext.ATTACHMENT));
    }

    @Test
    void networkFailuresCountAgainstTheProviderAndServiceExceptionsDoNot() throws Exception {
        AtomicLong clock = new AtomicLong(1_000_000L);
        Fixtures.install(null, "outlier: {consecutiveErrors: 2, baseEjection: 30s}", clock::get);
        Provider timingOut = provider(20880, "").answering(call -> AsyncRpcResult.newDefaultAsyncResult(
                new RpcException(RpcException.TIMEOUT_EXCEPTION, "timed out"), call));
        Provider refusing = provider(20881, "").answering(call -> {
            throw new RpcException(RpcException.NETWORK_EXCEPTION, "refused");
        });
        Provider failingInBusiness = provider(20882, "").answering(call -> AsyncRpcResult.newDefaultAsyncResult(
                new IllegalArgumentException("no such user"), call));
        Provider healthy = provider(20883, "");
        List<Invoker<Object>> four = new ArrayList<>(List.of(timingOut, refusing, failingInBusiness, healthy));
        // A success makes the healthy provider known: at most half of the known ones are ejected.
        ConsumerFilter.INSTANCE.invoke(healthy, invocation("sayHello", "x"));
        for (int i = 0; i < 2; i++) {
            assertTrue(ConsumerFilter.INSTANCE.invoke(timingOut, invocation("sayHello", "x")).hasException());
            assertThrows(RpcException.class, () -> ConsumerFilter.INSTANCE.invoke(refusing, invocation("sayHello", "x")));
            ConsumerFilter.INSTANCE.invoke(failingInBusiness, invocation("sayHello", "x"));
        }
        // Two of four ejected: half remain, so the failing two are left out.
        assertEquals(List.of(failingInBusiness, healthy),
                DubboRouting.route(four, Fixtures.consumerUrl(), invocation("sayHello", "x")));
        // Of these three only one would remain: below the panic threshold (50 %), ejection is ignored.
        List<Invoker<Object>> three = new ArrayList<>(List.of(timingOut, refusing, failingInBusiness));
        assertEquals(three, DubboRouting.route(three, Fixtures.consumerUrl(), invocation("sayHello", "x")));
    }

    @Test
    void aClosingAnswerOrARefusedConnectionLeavesTheProviderOutWithoutOutlierRules() throws Exception {
        Fixtures.install(null, null, null);
        Provider draining = provider(20890, "").answering(call -> {
            AppResponse answer = new AppResponse("served while draining");
            answer.setAttachment("x-lanes-closing", "true");
            return AsyncRpcResult.newDefaultAsyncResult(answer, call);
        });
        Provider gone = provider(20891, "").answering(call -> {
            throw new RpcException(RpcException.NETWORK_EXCEPTION, "failed to connect",
                    new java.net.ConnectException("Connection refused"));
        });
        Provider resetting = provider(20892, "").answering(call -> {
            throw new RpcException(RpcException.NETWORK_EXCEPTION, "channel closed");
        });
        Provider healthy = provider(20893, "");
        Provider healthy2 = provider(20894, "");
        List<Invoker<Object>> all = new ArrayList<>(List.of(draining, gone, resetting, healthy, healthy2));

        assertFalse(ConsumerFilter.INSTANCE.invoke(draining, invocation("sayHello", "x")).hasException(),
                "a closing answer is an answer");
        assertThrows(RpcException.class, () -> ConsumerFilter.INSTANCE.invoke(gone, invocation("sayHello", "x")));
        assertThrows(RpcException.class, () -> ConsumerFilter.INSTANCE.invoke(resetting, invocation("sayHello", "x")));
        // What Dubbo's failover retry lists again: the draining and the refusing providers are out;
        // a reset is an error like others, for outlier detection (off here) to count.
        assertEquals(List.of(resetting, healthy, healthy2),
                DubboRouting.route(all, Fixtures.consumerUrl(), invocation("sayHello", "x")));
    }

    @Test
    void outcomesAreClassifiedLikeHttpErrorsAndStatuses() {
        assertTrue(ConsumerFilter.succeeded(new AppResponse("ok"), null));
        assertTrue(ConsumerFilter.succeeded(new AppResponse(new IllegalStateException("business")), null));
        assertTrue(ConsumerFilter.succeeded(null, new RpcException(RpcException.BIZ_EXCEPTION, "business")));
        assertFalse(ConsumerFilter.succeeded(null, new RpcException(RpcException.TIMEOUT_EXCEPTION, "slow")));
        assertFalse(ConsumerFilter.succeeded(new AppResponse(new RpcException(RpcException.NETWORK_EXCEPTION, "reset")),
                null));
        assertTrue(ConsumerFilter.succeeded(null, new IllegalStateException("thrown by a filter")));
    }

    @Test
    void theProviderFilterDecidesTheTagForTheCallAndRestoresTheThread() throws Exception {
        Fixtures.install("gray", null, null);
        List<String> seen = new ArrayList<>();
        Provider service = provider(20880, "").answering(call -> {
            seen.add(TrafficContext.tag());
            return AsyncRpcResult.newDefaultAsyncResult("ok", call);
        });
        TrafficContext.attach("leftover");
        RpcInvocation carried = invocation("sayHello", "x");
        carried.setAttachment(TrafficContext.ATTACHMENT, "dev1");
        ProviderFilter.INSTANCE.invoke(service, carried);
        ProviderFilter.INSTANCE.invoke(service, invocation("sayHello", "x"));
        // Node dyeing: this instance is gray, so untagged calls are dyed gray.
        assertEquals(List.of("dev1", "gray"), seen);
        assertEquals("leftover", TrafficContext.tag());

        Fixtures.install(null, null, null);
        ProviderFilter.INSTANCE.invoke(service, invocation("sayHello", "x"));
        assertNull(seen.get(2), "an untagged call on a base instance runs untagged, not with the thread's leftover");
    }

    @Test
    void carriedHeadersTravelAsAttachmentsBothWaysAndTheApplicationsOwnStays() throws Exception {
        Fixtures.install(null, null, null);
        CarriedHeaders.propagate(new String[] {"x-env"});
        List<String> seen = new ArrayList<>();
        Provider service = provider(20880, "").answering(call -> {
            CarriedHeaders carried = TrafficContext.headers();
            seen.add(TrafficContext.tag() + "/" + (carried == null ? null : carried.get("x-env")));
            return AsyncRpcResult.newDefaultAsyncResult("ok", call);
        });
        RpcInvocation inbound = invocation("sayHello", "x");
        inbound.setAttachment("X-Env", "dev1"); // the dubbo protocol keeps the sender's case
        ProviderFilter.INSTANCE.invoke(service, inbound);
        ProviderFilter.INSTANCE.invoke(service, invocation("sayHello", "x"));
        assertEquals(List.of("null/dev1", "null/null"), seen, "read on the provider, and gone with the call");
        assertTrue(TrafficContext.isEmpty());

        Provider next = provider(20881, "");
        Object previous = TrafficContext.enter(TrafficContext.state("gray", CarriedHeaders.of("x-env", "dev1")));
        try {
            RpcInvocation outbound = invocation("sayHello", "x");
            ConsumerFilter.INSTANCE.invoke(next, outbound);
            assertEquals("dev1", outbound.getAttachment("x-env"));
            RpcInvocation own = invocation("sayHello", "x");
            own.setAttachment("X-ENV", "mine");
            ConsumerFilter.INSTANCE.invoke(next, own);
            assertEquals("mine", own.getAttachment("X-ENV"));
            assertNull(own.getAttachment("x-env"), "the application's own value, in any case, is not doubled");
        } finally {
            TrafficContext.exit(previous);
        }
        RpcInvocation nothing = invocation("sayHello", "x");
        ConsumerFilter.INSTANCE.invoke(next, nothing);
        assertNull(nothing.getAttachment("x-env"));
    }

    @Test
    void aTaggedInstancesOwnCallsCarryItsTag() throws Exception {
        Fixtures.install("gray", null, null);
        RpcInvocation own = invocation("sayHello", "x");
        ConsumerFilter.INSTANCE.invoke(provider(20880, ""), own);
        assertEquals("gray", own.getAttachment(TrafficContext.ATTACHMENT), "no request: the instance's tag");
        Fixtures.install(null, null, null);
        RpcInvocation base = invocation("sayHello", "x");
        ConsumerFilter.INSTANCE.invoke(provider(20880, ""), base);
        assertNull(base.getAttachment(TrafficContext.ATTACHMENT), "a base instance's own calls stay untagged");
    }

    @Test
    void theFiltersJoinTheirSideFirstTheSpanFilterLastAndOnlyOnce() {
        List<Object> activated = List.of("monitor", "timeout");
        List<?> consumer = Filters.withLanes(activated, "consumer");
        assertEquals(List.of(ConsumerFilter.INSTANCE, "monitor", "timeout"), consumer);
        assertEquals(consumer, Filters.withLanes(consumer, "consumer"));
        List<?> provider = Filters.withLanes(activated, "provider");
        assertEquals(List.of(ProviderFilter.INSTANCE, "monitor", "timeout", ProviderSpanFilter.INSTANCE), provider);
        assertEquals(provider, Filters.withLanes(provider, "provider"));
        assertEquals(activated, Filters.withLanes(activated, null));
    }
}
