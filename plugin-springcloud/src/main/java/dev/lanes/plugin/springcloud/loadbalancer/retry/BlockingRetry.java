package dev.lanes.plugin.springcloud.loadbalancer.retry;

import dev.lanes.bridge.AgentFaults;
import org.springframework.cloud.client.loadbalancer.HttpRequestLoadBalancerRequest;
import org.springframework.cloud.client.loadbalancer.LoadBalancerClient;
import org.springframework.cloud.client.loadbalancer.LoadBalancerRequest;
import org.springframework.http.HttpRequest;

/**
 * The retry of {@code BlockingLoadBalancerClient.execute(serviceId, request)}, the call every
 * {@code @LoadBalanced RestTemplate} and {@code RestClient} makes through
 * {@code LoadBalancerInterceptor}: when the instance it chose refused the connection and the
 * method is idempotent, the whole {@code execute} runs once more, on this thread. The refused
 * instance was reported to the engine (as closing) by the lifecycle before the exception left
 * {@code execute}, so the new choice leaves it out; the request body is the buffered byte array.
 */
public final class BlockingRetry {

    /** The advice's "no retry": keep the original outcome. */
    public static final Object NONE = new Object();

    private static final String PLACE = "springcloud:BlockingLoadBalancerClient retry";
    /** Set while the retry runs, so that the retry itself is never retried. */
    private static final ThreadLocal<Boolean> RETRYING = new ThreadLocal<Boolean>();

    private BlockingRetry() {
    }

    /** A retry that failed too: the advice throws {@link #cause}. */
    public static final class Failed {
        public final Throwable cause;

        Failed(Throwable cause) {
            this.cause = cause;
        }
    }

    /**
     * The outcome of the retry of a call that threw {@code thrown}: its result, a {@link Failed},
     * or {@link #NONE} when the call is not retried.
     */
    @SuppressWarnings("unchecked")
    public static Object retry(Object client, String serviceId, Object request, Throwable thrown) {
        if (thrown == null || RETRYING.get() != null || !(client instanceof LoadBalancerClient)
                || !(request instanceof HttpRequestLoadBalancerRequest)) {
            return NONE;
        }
        try {
            HttpRequest http = ((HttpRequestLoadBalancerRequest<?>) request).getHttpRequest();
            if (http == null || !RetryPolicy.idempotent(String.valueOf(http.getMethod()))
                    || !RetryPolicy.connectFailure(thrown)) {
                return NONE;
            }
        } catch (Throwable t) {
            AgentFaults.report(PLACE, t);
            return NONE;
        }
        RetryPolicy.retrying(serviceId, "RestTemplate/RestClient", thrown);
        RETRYING.set(Boolean.TRUE);
        try {
            return ((LoadBalancerClient) client).execute(serviceId, (LoadBalancerRequest<Object>) request);
        } catch (Throwable again) {
            if (again != thrown) {
                again.addSuppressed(thrown);
            }
            return new Failed(again);
        } finally {
            RETRYING.remove();
        }
    }
}
