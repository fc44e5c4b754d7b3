package dev.lanes.plugin.springcloud.loadbalancer.retry;

import dev.lanes.bridge.AgentFaults;
import feign.Client;
import feign.Request;

import java.net.URI;

/**
 * The retry of Spring Cloud OpenFeign's {@code FeignBlockingLoadBalancerClient.execute(request,
 * options)}: as {@link BlockingRetry}, the whole load-balanced execution once more when the
 * chosen instance refused the connection and the method is idempotent. Feign's own
 * {@code Retryer} (never, in Spring Cloud OpenFeign's default) is untouched. A class of its own
 * so that Feign's types are linked only where Feign is.
 */
public final class FeignRetry {

    private static final String PLACE = "springcloud:FeignBlockingLoadBalancerClient retry";
    private static final ThreadLocal<Boolean> RETRYING = new ThreadLocal<Boolean>();

    private FeignRetry() {
    }

    /** As {@link BlockingRetry#retry}. */
    public static Object retry(Object client, Object request, Object options, Throwable thrown) {
        if (thrown == null || RETRYING.get() != null || !(client instanceof Client) || !(request instanceof Request)
                || !(options instanceof Request.Options)) {
            return BlockingRetry.NONE;
        }
        Request feignRequest = (Request) request;
        String service;
        try {
            if (feignRequest.httpMethod() == null || !RetryPolicy.idempotent(feignRequest.httpMethod().name())
                    || !RetryPolicy.connectFailure(thrown)) {
                return BlockingRetry.NONE;
            }
            service = URI.create(feignRequest.url()).getHost();
        } catch (Throwable t) {
            AgentFaults.report(PLACE, t);
            return BlockingRetry.NONE;
        }
        RetryPolicy.retrying(service, "Feign", thrown);
        RETRYING.set(Boolean.TRUE);
        try {
            return ((Client) client).execute(feignRequest, (Request.Options) options);
        } catch (Throwable again) {
            if (again != thrown) {
                again.addSuppressed(thrown);
            }
            return new BlockingRetry.Failed(again);
        } finally {
            RETRYING.remove();
        }
    }
}
