package dev.lanes.plugin.springcloud.web.client;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.CarriedHeaders;
import dev.lanes.bridge.Lanes;
import dev.lanes.bridge.TrafficContext;
import dev.lanes.plugin.springcloud.web.common.InboundTags;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * Puts the Lanes exchange filter first in every {@code WebClient} being built. The filter takes
 * the tag from the Reactor context of the subscription (set by the WebFlux inbound side), else
 * from the subscribing thread, and adds it to the request before any other filter runs, so the
 * load balancer's filter sees it too.
 *
 * <p>The filter is a lambda held here rather than a class implementing
 * {@code ExchangeFilterFunction}: helper classes are defined in every application class loader
 * the plugin works in, and a class whose interface is absent (no WebFlux) could not be defined.
 */
public final class WebClientHelper {

    /** The one filter instance, recognised by identity so it is never added twice. */
    static final ExchangeFilterFunction FILTER = (request, next) -> {
        Object threadState = TrafficContext.capture();
        return Mono.deferContextual(context -> next.exchange(withTag(request, context, threadState)));
    };

    private static final Consumer<List<ExchangeFilterFunction>> ADD_FIRST = filters -> {
        for (int i = 0; i < filters.size(); i++) {
            if (filters.get(i) == FILTER) {
                return;
            }
        }
        filters.add(0, FILTER);
    };

    private WebClientHelper() {
    }

    /** Called as a builder builds; the builder keeps the filter for later builds and clones. */
    public static void beforeBuild(Object builder) {
        try {
            if (builder instanceof WebClient.Builder) {
                ((WebClient.Builder) builder).filters(ADD_FIRST);
            }
        } catch (Throwable t) {
            AgentFaults.report("spring-web:WebClient.Builder.build", t);
        }
    }

    /**
     * {@code request} with the tag and carried headers added where missing; the request itself
     * when there is nothing to add. The subscription's Reactor context (set by the WebFlux
     * inbound side) wins over the subscribing thread's state; without either, the tag is this
     * instance's own.
     */
    static ClientRequest withTag(ClientRequest request, ContextView context, Object threadState) {
        try {
            Object state = context.getOrDefault(InboundTags.KEY, null);
            if (state == null) {
                state = threadState;
            }
            String found = TrafficContext.tagOf(state);
            String tag = found != null ? found : Lanes.routing().instanceTag();
            CarriedHeaders carried = TrafficContext.headersOf(state);
            if (!SpringHeaderTags.missing(request.headers(), tag, carried)) {
                return request;
            }
            return ClientRequest.from(request).headers(headers -> SpringHeaderTags.inject(headers, tag, carried))
                    .build();
        } catch (Throwable t) {
            AgentFaults.report("spring-web:WebClient.filter", t);
            return request;
        }
    }
}
