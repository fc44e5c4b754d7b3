package dev.lanes.plugin.springcloud.loadbalancer;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.Lanes;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.client.loadbalancer.TimedRequestContext;

/**
 * Feeds outlier detection with the outcome of every load-balanced call to one service. Every
 * Spring Cloud client (RestTemplate, WebClient, OpenFeign, Gateway) reports outcomes to the
 * {@link LoadBalancerLifecycle} beans of the service, so the agent adds this one to them. A
 * call fails for the instance when it ends in an error (connection refused, timeout, ...) or
 * with a 5xx status; other statuses are the caller's business and count as successes.
 */
@SuppressWarnings("rawtypes")
public final class OutlierFeedbackLifecycle implements LoadBalancerLifecycle {

    private static final String PLACE = "springcloud:LoadBalancerLifecycle.onComplete";

    private final String serviceId;

    OutlierFeedbackLifecycle(String serviceId) {
        this.serviceId = serviceId;
    }

    String serviceId() {
        return serviceId;
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
            Lanes.routing().completed(serviceId, ServiceInstanceView.INSTANCE.address(instance), success,
                    RequestDataView.tagOnRequest(request), ServiceInstanceView.INSTANCE.tag(instance),
                    started == 0L ? -1L : System.nanoTime() - started);
        } catch (Throwable t) {
            AgentFaults.report(PLACE, t);
        }
    }
}
