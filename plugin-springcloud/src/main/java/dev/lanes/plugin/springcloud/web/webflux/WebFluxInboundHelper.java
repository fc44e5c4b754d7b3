package dev.lanes.plugin.springcloud.web.webflux;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.TrafficContext;
import dev.lanes.plugin.springcloud.web.common.Baggage;
import dev.lanes.plugin.springcloud.web.common.InboundTags;
import java.util.List;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
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
