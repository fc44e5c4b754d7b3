package dev.lanes.plugin.springcloud.web.webflux;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.Lifecycle;
import dev.lanes.bridge.TrafficContext;
import dev.lanes.plugin.springcloud.web.common.Baggage;
import dev.lanes.plugin.springcloud.web.common.InboundTags;
import java.util.List;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.util.context.Context;

/**
 * Inbound side for WebFlux: the request's tag goes into the Reactor context of the whole
 * exchange (where WebClient and reactive code read it, on whatever thread), into an exchange
 * attribute, and onto the thread while the handler method or handler function itself runs.
 */
public final class WebFluxInboundHelper {

    private WebFluxInboundHelper() {
    }

    /**
     * The traffic state for an inbound request (its tag after dyeing, and the headers it carries
     * down the chain); null when it has neither, or on a fault.
     */
    public static Object decide(Object request) {
        if (!(request instanceof ServerHttpRequest)) {
            return null;
        }
        try {
            ServerHttpRequest http = (ServerHttpRequest) request;
            List<String> baggage = http.getHeaders().getValuesAsList(Baggage.HEADER);
            return InboundTags.decide(InboundTags.carried(http.getHeaders().getFirst(TrafficContext.HEADER),
                    Baggage.tagInAny(baggage)), new ServerHttpRequestView(http), baggage);
        } catch (Throwable t) {
            AgentFaults.report("spring-web:webflux inbound", t);
            return null;
        }
    }

    /**
     * Counts an exchange in flight for lossless draining and, while this instance is draining,
     * marks its response with {@code x-lanes-closing: true}. Returns whether it counted.
     */
    public static boolean begin(Object response) {
        Lifecycle.requestStarted();
        if (Lifecycle.closing() && response instanceof ServerHttpResponse) {
            try {
                ((ServerHttpResponse) response).getHeaders().set(Lifecycle.CLOSING_HEADER, "true");
            } catch (Throwable t) {
                AgentFaults.report("spring-web:webflux closing header", t);
            }
        }
        return true;
    }

    /**
     * Ends the in-flight count when the exchange's processing terminates (one operator per
     * exchange; at once when the result is not a {@code Mono}).
     */
    public static Object endWhenDone(Object result) {
        if (result instanceof Mono) {
            try {
                return ((Mono<?>) result).doFinally(RequestEnded.INSTANCE);
            } catch (Throwable t) {
                AgentFaults.report("spring-web:webflux in-flight count", t);
            }
        }
        Lifecycle.requestEnded();
        return result;
    }

    /** Ends one in-flight count; a single shared instance. */
    public static final class RequestEnded implements java.util.function.Consumer<SignalType> {
        static final RequestEnded INSTANCE = new RequestEnded();

        @Override
        public void accept(SignalType signal) {
            Lifecycle.requestEnded();
        }
    }

    /** Attaches {@code state} while the adapter builds the exchange; returns the value for {@link InboundTags#restore}. */
    public static Object attach(Object state) {
        return TrafficContext.enter(state);
    }

    /**
     * Records the attached state on an exchange being created for the current request, marked
     * ({@link InboundTags#mark}) so that "decided: no tag" differs from "not decided" for the
     * gateway's filter.
     */
    public static void remember(Object exchange) {
        Object state = TrafficContext.capture();
        if (exchange instanceof ServerWebExchange) {
            ((ServerWebExchange) exchange).getAttributes().put(InboundTags.KEY, InboundTags.mark(state));
        }
    }

    /** The exchange's processing with the traffic state in its Reactor context. */
    public static Object withContext(Object result, Object state) {
        if (state == null || !(result instanceof Mono)) {
            return result;
        }
        try {
            return ((Mono<?>) result).contextWrite(Context.of(InboundTags.KEY, state));
        } catch (Throwable t) {
            AgentFaults.report("spring-web:webflux context", t);
            return result;
        }
    }

    /** Attaches the exchange's traffic state to the thread that runs a handler; returns the value for {@link InboundTags#restore}. */
    public static Object attachFor(Object exchange) {
        if (!(exchange instanceof ServerWebExchange)) {
            return TrafficContext.NOT_ENTERED;
        }
        Object state = InboundTags.unmark(((ServerWebExchange) exchange).getAttributes().get(InboundTags.KEY));
        if (state == null) {
            return TrafficContext.NOT_ENTERED;
        }
        return TrafficContext.enter(state);
    }
}
