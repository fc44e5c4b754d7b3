package dev.lanes.plugin.gateway.webflux;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.Lanes;
import dev.lanes.bridge.TrafficContext;
import dev.lanes.plugin.gateway.common.ProxiedHeaders;
import dev.lanes.plugin.springcloud.web.common.InboundTags;
import dev.lanes.plugin.springcloud.web.webflux.ServerHttpRequestView;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The agent's gateway filter: puts the tag the gateway decided for the exchange (exchange
 * attribute {@code dev.lanes.tag}, written by the WebFlux inbound side) on the proxied request
 * as {@code x-lanes-tag}, with the carried headers, and takes off what an untrusted client sent
 * of them and the access layer's secret header. It runs before every route filter and before
 * the load balancer's filter, so the {@code lb://} choice sees the tag on the request (as every
 * other Spring Cloud LoadBalancer call does) and the forwarding sends it, on {@code lb://} and
 * {@code http://} routes alike; a route's own filter that sets {@code x-lanes-tag} runs after it
 * and wins.
 */
public final class LanesGlobalFilter implements GlobalFilter, Ordered {

    /**
     * Before the gateway's own filters from order 0 on and before route filters, which the
     * gateway numbers 1, 2, ... in their order of declaration.
     */
    public static final int ORDER = -100;

    @Override
    @SuppressWarnings("unchecked")
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        ServerWebExchange proxied = exchange;
        Object state = null;
        boolean decided = false;
        try {
            state = state(exchange);
            decided = true;
            proxied = prepare(exchange, state);
        } catch (Throwable t) {
            AgentFaults.report("gateway:filter", t);
        }
        Mono<Void> forwarded = chain.filter(proxied);
        if (!decided) {
            return forwarded;
        }
        try {
            // With the OpenTelemetry Java agent, its client writes the baggage header from its own
            // context: that must say the lane decided here too, not the one the client sent.
            return (Mono<Void>) Lanes.routing().laneInReactiveTraceBaggage(forwarded, TrafficContext.tagOf(state));
        } catch (Throwable t) {
            AgentFaults.report("gateway:filter", t);
            return forwarded;
        }
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    /** The traffic state decided for the exchange (its tag and carried headers). */
    static Object state(ServerWebExchange exchange) {
        Object marked = exchange.getAttributes().get(InboundTags.KEY);
        if (marked != null) {
            return InboundTags.unmark(marked);
        }
        // The WebFlux inbound side did not run (the springweb plugin is off): decide here.
        ServerHttpRequest request = exchange.getRequest();
        return InboundTags.decide(InboundTags.carried(request.getHeaders().getFirst(TrafficContext.HEADER), null),
                new ServerHttpRequestView(request), null);
    }

    static ServerWebExchange prepare(ServerWebExchange exchange, Object state) {
        ServerHttpRequest request = exchange.getRequest();
        ServerHttpRequestView view = new ServerHttpRequestView(request);
        ProxiedHeaders edit = new ProxiedHeaders(TrafficContext.tagOf(state), TrafficContext.headersOf(state),
                Lanes.routing().trusted(view), Lanes.routing().trustHeader());
        if (!edit.changes(request.getHeaders())) {
            return exchange;
        }
        ServerHttpRequest changed = request.mutate().headers(edit).build();
        return exchange.mutate().request(changed).build();
    }
}
