package dev.lanes.plugin.springcloud.web.webflux;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.TrafficContext;
import dev.lanes.plugin.springcloud.web.common.Baggage;
import dev.lanes.plugin.springcloud.web.common.InboundTags;
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

    /** The tag for an inbound request, after dyeing; null when untagged or on a fault. */
    public static String decide(Object request) {
        if (!(request instanceof ServerHttpRequest)) {
            return null;
        }
        try {
            ServerHttpRequest http = (ServerHttpRequest) request;
            return InboundTags.decide(InboundTags.carried(http.getHeaders().getFirst(TrafficContext.HEADER),
                    Baggage.tagInAny(http.getHeaders().getValuesAsList(Baggage.HEADER))), new ServerHttpRequestView(http));
        } catch (Throwable t) {
            AgentFaults.report("spring-web:webflux inbound", t);
            return null;
        }
    }

    /** Attaches {@code tag} while the adapter builds the exchange; returns the value for {@link InboundTags#restore}. */
    public static String attach(String tag) {
        return TrafficContext.attach(tag);
    }

    /** Records the attached tag on an exchange being created for the current request. */
    public static void remember(Object exchange) {
        String tag = TrafficContext.tag();
        if (tag != null && exchange instanceof ServerWebExchange) {
            ((ServerWebExchange) exchange).getAttributes().put(InboundTags.KEY, tag);
        }
    }

    /** The exchange's processing with the tag in its Reactor context. */
    public static Object withContext(Object result, String tag) {
        if (tag == null || !(result instanceof Mono)) {
            return result;
        }
        try {
            return ((Mono<?>) result).contextWrite(Context.of(InboundTags.KEY, tag));
        } catch (Throwable t) {
            AgentFaults.report("spring-web:webflux context", t);
            return result;
        }
    }

    /** Attaches the exchange's tag to the thread that runs a handler; returns the value for {@link InboundTags#restore}. */
    public static String attachFor(Object exchange) {
        if (!(exchange instanceof ServerWebExchange)) {
            return InboundTags.NOT_ATTACHED;
        }
        Object tag = ((ServerWebExchange) exchange).getAttributes().get(InboundTags.KEY);
        if (!(tag instanceof String)) {
            return InboundTags.NOT_ATTACHED;
        }
        return TrafficContext.attach((String) tag);
    }
}
