package dev.lanes.core.routing;

import static dev.lanes.core.routing.Fixtures.Rules.rules;
import static dev.lanes.core.routing.Fixtures.header;
import static dev.lanes.core.routing.Fixtures.lane;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.lanes.core.routing.Fixtures.Harness;
import dev.lanes.core.rules.EntryRule;
import dev.lanes.core.rules.StringMatch;
import dev.lanes.core.trace.OpenTelemetryLane;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The lane on the application's OpenTelemetry spans, with the real OpenTelemetry SDK on the
 * class path as an application brings it (no OpenTelemetry Java agent here: the agent's own
 * copy of the API is absent, so the application's is used, found through the class loader of the
 * request view as a plugin's would be).
 */
class LaneSpansTest {

    private static final AttributeKey<String> TAG = AttributeKey.stringKey(OpenTelemetryLane.TAG_ATTRIBUTE);
    private static final AttributeKey<String> DYED_BY = AttributeKey.stringKey(OpenTelemetryLane.DYED_BY_ATTRIBUTE);

    private final List<SpanData> ended = new CopyOnWriteArrayList<>();
    private final SdkTracerProvider provider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(new SpanExporter() {
                @Override
                public CompletableResultCode export(Collection<SpanData> spans) {
                    ended.addAll(spans);
                    return CompletableResultCode.ofSuccess();
                }

                @Override
                public CompletableResultCode flush() {
                    return CompletableResultCode.ofSuccess();
                }

                @Override
                public CompletableResultCode shutdown() {
                    return CompletableResultCode.ofSuccess();
                }
            }))
            .build();
    private final Tracer tracer = provider.get("lanes-test");

    @AfterEach
    void close() {
        provider.close();
    }

    private static Harness harness(String instanceTag) {
        Harness h = new Harness(instanceTag).with(rules().lanes(lane("gray",
                new EntryRule(header("x-user", StringMatch.present()), 100, null, List.of()))));
        h.router.openTelemetry(new OpenTelemetryLane());
        return h;
    }

    /** The one span ended while the router decided a request inside it. */
    private SpanData serve(Function<LaneRouter, String> call, Harness h) {
        ended.clear();
        Span server = tracer.spanBuilder("GET /chain").setSpanKind(SpanKind.SERVER).startSpan();
        try (Scope ignored = server.makeCurrent()) {
            call.apply(h.router);
        } finally {
            server.end();
        }
        assertEquals(1, ended.size(), "one span ended");
        return ended.get(0);
    }

    @Test
    void aCarriedTagIsOnTheServerSpan() {
        SpanData span = serve(r -> r.inbound("dev1", DescribedRequest.of()), harness(null));
        assertEquals("dev1", span.getAttributes().get(TAG));
        assertEquals("carried", span.getAttributes().get(DYED_BY));
    }

    @Test
    void anIngressRuleAndNodeDyeingSayHowTheLaneWasDecided() {
        Harness h = harness("blue");
        SpanData byRule = serve(r -> r.inbound(null, DescribedRequest.of().header("x-user", "7")), h);
        assertEquals("gray", byRule.getAttributes().get(TAG));
        assertEquals("rule", byRule.getAttributes().get(DYED_BY));

        SpanData byNode = serve(r -> r.inbound(null, DescribedRequest.of()), h);
        assertEquals("blue", byNode.getAttributes().get(TAG));
        assertEquals("node", byNode.getAttributes().get(DYED_BY));
    }

    @Test
    void baseTrafficAddsNothing() {
        SpanData span = serve(r -> r.inbound(null, DescribedRequest.of()), harness(null));
        assertNull(span.getAttributes().get(TAG));
        assertNull(span.getAttributes().get(DYED_BY));
        assertEquals(0, span.getAttributes().size(), "no attribute at all");
    }

    @Test
    void withoutACurrentSpanOrARequestNothingFailsAndRoutingIsTheSame() {
        Harness h = harness(null);
        assertEquals("gray", h.router.inbound("gray", DescribedRequest.of()), "no span is current");
        assertEquals("gray", h.router.inbound("gray", null), "no request: the application's API is not looked for");
        assertEquals(0, ended.size(), "no span was made");
    }
}
