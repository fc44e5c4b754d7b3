package dev.lanes.plugin.dubbo.common;

import static dev.lanes.plugin.dubbo.Fixtures.invocation;
import static dev.lanes.plugin.dubbo.Fixtures.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.lanes.bridge.TrafficContext;
import dev.lanes.core.trace.OpenTelemetryLane;
import dev.lanes.plugin.dubbo.Fixtures;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.dubbo.rpc.AsyncRpcResult;
import org.apache.dubbo.rpc.Filter;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.Result;
import org.apache.dubbo.rpc.RpcInvocation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The lane on a Dubbo server span that starts after Lanes decided, with the real OpenTelemetry
 * SDK as an application brings it (no Java agent here: the application's API is used): the
 * provider chain as {@link Filters#withLanes} orders it, around a filter that starts the server
 * span and makes it current, as OpenTelemetry's Dubbo filter does.
 */
class ProviderSpanFilterTest {

    private static final AttributeKey<String> TAG = AttributeKey.stringKey(OpenTelemetryLane.TAG_ATTRIBUTE);
    private static final AttributeKey<String> DYED_BY = AttributeKey.stringKey(OpenTelemetryLane.DYED_BY_ATTRIBUTE);

    /** The attributes of each span ended, by name. */
    private final Map<String, Attributes> ended = new ConcurrentHashMap<>();
    private final SdkTracerProvider tracing = SdkTracerProvider.builder().addSpanProcessor(new SpanProcessor() {
        @Override
        public void onStart(Context parent, ReadWriteSpan span) {
        }

        @Override
        public boolean isStartRequired() {
            return false;
        }

        @Override
        public void onEnd(ReadableSpan span) {
            ended.put(span.getName(), span.toSpanData().getAttributes());
        }

        @Override
        public boolean isEndRequired() {
            return true;
        }
    }).build();
    private final Tracer tracer = tracing.get("lanes-test");

    @AfterEach
    void reset() {
        tracing.close();
        Fixtures.reset();
    }

    /** One call through the chain, inside an outer span current when Lanes' first filter runs. */
    private void serve(RpcInvocation call) throws Exception {
        Filter serverSpan = (invoker, invocation) -> {
            Span span = tracer.spanBuilder("server").setSpanKind(SpanKind.SERVER).startSpan();
            try (Scope ignored = span.makeCurrent()) {
                return invoker.invoke(invocation);
            } finally {
                span.end();
            }
        };
        List<?> chain = Filters.withLanes(List.of(serverSpan), "provider");
        Invoker<Object> service = provider(20880, "").answering(c -> AsyncRpcResult.newDefaultAsyncResult("ok", c));
        Span outer = tracer.spanBuilder("outer").startSpan();
        try (Scope ignored = outer.makeCurrent()) {
            invoke(chain, 0, service, call);
        } finally {
            outer.end();
        }
    }

    private static Result invoke(List<?> chain, int at, Invoker<Object> service, RpcInvocation call) {
        if (at == chain.size()) {
            return service.invoke(call);
        }
        Invoker<Object> next = provider(20880, "").answering(c -> invoke(chain, at + 1, service, call));
        return ((Filter) chain.get(at)).invoke(next, call);
    }

    @Test
    void theServerSpanThatStartsAfterLanesDecidedGetsTheLane() throws Exception {
        Fixtures.install("gray", null, null).openTelemetry(new OpenTelemetryLane());
        RpcInvocation carried = invocation("sayHello", "x");
        carried.setAttachment(TrafficContext.ATTACHMENT, "dev1");
        serve(carried);
        assertEquals("dev1", ended.get("server").get(TAG));
        assertEquals("carried", ended.get("server").get(DYED_BY));
        assertEquals(0, ended.get("outer").size(), "the span current when Lanes decided is not the server span");

        serve(invocation("sayHello", "x"));
        assertEquals("gray", ended.get("server").get(TAG), "node dyeing on this gray instance");
        assertEquals("node", ended.get("server").get(DYED_BY));
        assertEquals(0, ended.get("outer").size());
    }

    @Test
    void baseTrafficAndAnEngineWithoutOpenTelemetryAddNothing() throws Exception {
        Fixtures.install(null, null, null).openTelemetry(new OpenTelemetryLane());
        serve(invocation("sayHello", "x"));
        assertEquals(0, ended.get("server").size(), "base traffic");

        Fixtures.install(null, null, null);
        RpcInvocation carried = invocation("sayHello", "x");
        carried.setAttachment(TrafficContext.ATTACHMENT, "dev1");
        serve(carried);
        assertEquals(0, ended.get("server").size(), "no OpenTelemetryLane in the engine");
        assertNull(carried.get(ProviderSpanFilter.DYED_BY), "nothing kept on the invocation");
    }
}
