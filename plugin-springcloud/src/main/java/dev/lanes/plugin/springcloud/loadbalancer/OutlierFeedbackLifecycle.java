package dev.lanes.plugin.springcloud.loadbalancer;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.Lanes;
import dev.lanes.bridge.Lifecycle;
import dev.lanes.bridge.Routing;
import dev.lanes.plugin.springcloud.loadbalancer.retry.RetryPolicy;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.client.loadbalancer.ResponseData;
import org.springframework.cloud.client.loadbalancer.TimedRequestContext;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.cloud.loadbalancer.cache.LoadBalancerCacheManager;
import org.springframework.cloud.loadbalancer.core.CachingServiceInstanceListSupplier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Feeds outlier detection with the outcome of every load-balanced call to one service. Every
 * Spring Cloud client (RestTemplate, WebClient, OpenFeign, Gateway) reports outcomes to the
 * {@link LoadBalancerLifecycle} beans of the service, so the agent adds this one to them. A
 * call fails for the instance when it ends in an error (connection refused, timeout, ...) or
 * with a 5xx status; other statuses are the caller's business and count as successes.
 *
 * <p>An answer marked {@code x-lanes-closing: true} (the instance is draining) or a connection
 * the instance refused makes the engine leave that instance out at once
 * ({@link Routing#closing}); on the first such signal for an instance, the service's entry in
 * LoadBalancer's instance cache (35 s by default) is evicted, so that the next call reads the
 * registry, where the instance is gone and its replacement may be.
 */
@SuppressWarnings("rawtypes")
public final class OutlierFeedbackLifecycle implements LoadBalancerLifecycle {

    private static final String PLACE = "springcloud:LoadBalancerLifecycle.onComplete";

    private final String serviceId;
    /** The LoadBalancer client factory this service's beans come from, for its instance cache. */
    private volatile ReactiveLoadBalancer.Factory<?> factory;

    OutlierFeedbackLifecycle(String serviceId) {
        this.serviceId = serviceId;
    }

    String serviceId() {
        return serviceId;
    }

    void factory(ReactiveLoadBalancer.Factory<?> loadBalancerFactory) {
        if (loadBalancerFactory != null && factory != loadBalancerFactory) {
            factory = loadBalancerFactory;
        }
    }

    @Override
    public boolean supports(Class requestContextClass, Class responseClass, Class serverTypeClass) {
        return true;
    }

    @Override
    public void onStart(Request request) {
    }

    @Override
    public void onStartRequest(Request request, Response lbResponse) {
        try {
            // Where Spring Cloud's own Micrometer lifecycle keeps it: the call's start, for its duration.
            Object context = request == null ? null : request.getContext();
            if (context instanceof TimedRequestContext && ((TimedRequestContext) context).getRequestStartTime() == 0L) {
                ((TimedRequestContext) context).setRequestStartTime(System.nanoTime());
            }
        } catch (Throwable t) {
            AgentFaults.report(PLACE, t);
        }
    }

    @Override
    public void onComplete(CompletionContext completionContext) {
        try {
            Response response = completionContext.getLoadBalancerResponse();
            if (response == null || !response.hasServer() || !(response.getServer() instanceof ServiceInstance)) {
                return;
            }
            CompletionContext.Status status = completionContext.status();
            boolean success;
            if (status == CompletionContext.Status.FAILED) {
                success = false;
            } else if (status == CompletionContext.Status.SUCCESS) {
                int code = HttpStatusReader.status(completionContext.getClientResponse());
                success = code < 500 || code > 599;
            } else {
                return; // DISCARD: no call was made
            }
            ServiceInstance instance = (ServiceInstance) response.getServer();
            Request request = completionContext.getLoadBalancerRequest();
            Object context = request == null ? null : request.getContext();
            long started = context instanceof TimedRequestContext
                    ? ((TimedRequestContext) context).getRequestStartTime() : 0L;
            String address = ServiceInstanceView.INSTANCE.address(instance);
            Routing routing = Lanes.routing();
            routing.completed(serviceId, address, success, RequestDataView.tagOnRequest(request),
                    ServiceInstanceView.INSTANCE.tag(instance), started == 0L ? -1L : System.nanoTime() - started);
            boolean closing = status == CompletionContext.Status.SUCCESS
                    ? closingAnswer(completionContext.getClientResponse())
                    : RetryPolicy.connectFailure(completionContext.getThrowable());
            if (closing && routing.closing(serviceId, address)) {
                evictInstances();
            }
        } catch (Throwable t) {
            AgentFaults.report(PLACE, t);
        }
    }

    /** True when the answer carries {@code x-lanes-closing: true}: its instance is draining. */
    static boolean closingAnswer(Object clientResponse) {
        HttpHeaders headers = null;
        if (clientResponse instanceof ResponseData) {
            headers = ((ResponseData) clientResponse).getHeaders();
        } else if (clientResponse instanceof ClientHttpResponse) {
            headers = ((ClientHttpResponse) clientResponse).getHeaders();
        }
        String value = headers == null ? null : headers.getFirst(Lifecycle.CLOSING_HEADER);
        return value != null && "true".equalsIgnoreCase(value.trim());
    }

    /**
     * Drops this service's list from LoadBalancer's instance cache (when the application has
     * one), so that the next choice reads the registry instead of a list that still names the
     * instance going away and not yet its replacement.
     */
    private void evictInstances() {
        ReactiveLoadBalancer.Factory<?> f = factory;
        if (f == null) {
            return;
        }
        try {
            CacheManager caches = f.getInstance(serviceId, LoadBalancerCacheManager.class);
            Cache cache = caches == null ? null
                    : caches.getCache(CachingServiceInstanceListSupplier.SERVICE_INSTANCE_CACHE_NAME);
            if (cache != null) {
                cache.evict(serviceId);
            }
        } catch (Throwable t) {
            AgentFaults.report(PLACE + " instance cache", t);
        }
    }
}
