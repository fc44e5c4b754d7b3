package dev.lanes.plugin.springcloud.loadbalancer.retry;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.TrafficContext;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.publisher.Mono;

/**
 * The retry of a load-balanced {@code WebClient} exchange
 * ({@code ReactorLoadBalancerExchangeFilterFunction.filter}): when the exchange fails to
 * connect and the method is idempotent, the load-balancer filter runs once more with the same
 * request, which chooses again. The retried request carries an attribute, so that it is never
 * retried itself; no thread-local is involved. The body inserter runs again: a body that can be
 * written once only (a {@code Flux} that cannot be subscribed twice) fails the retry, not the
 * first attempt.
 */
public final class WebClientRetry {

    /** Request attribute of a retried exchange. */
    static final String RETRIED = "dev.lanes.retried";
    private static final String PLACE = "springcloud:ReactorLoadBalancerExchangeFilterFunction retry";

    private WebClientRetry() {
    }

    /** {@code exchange} (the filter's answer), retried once on a failure to connect. */
    @SuppressWarnings("unchecked")
    public static Object onConnectFailure(Object filter, Object request, Object next, Object exchange) {
        if (!(exchange instanceof Mono) || !(request instanceof ClientRequest) || !(next instanceof ExchangeFunction)
                || !(filter instanceof ExchangeFilterFunction)) {
            return exchange;
        }
        try {
            final ClientRequest original = (ClientRequest) request;
            if (original.attribute(RETRIED).isPresent() || !RetryPolicy.idempotent(String.valueOf(original.method()))) {
                return exchange;
            }
            final ExchangeFilterFunction balancer = (ExchangeFilterFunction) filter;
            final ExchangeFunction then = (ExchangeFunction) next;
            // The retry runs on the thread the failure arrives on: it chooses with the caller's state.
            final Object state = TrafficContext.capture();
            return ((Mono<ClientResponse>) exchange).onErrorResume(RetryPolicy::connectFailure, failure -> {
                RetryPolicy.retrying(original.url().getHost(), "WebClient", failure);
                Object previous = TrafficContext.enter(state);
                try {
                    return balancer.filter(ClientRequest.from(original).attribute(RETRIED, Boolean.TRUE).build(), then);
                } finally {
                    TrafficContext.exit(previous);
                }
            });
        } catch (Throwable t) {
            AgentFaults.report(PLACE, t);
            return exchange;
        }
    }
}
