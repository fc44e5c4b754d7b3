package dev.lanes.plugin.springcloud.loadbalancer;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.LaneUnavailableException;
import dev.lanes.bridge.Lanes;
import dev.lanes.bridge.RequestView;
import dev.lanes.bridge.Routing;
import dev.lanes.bridge.TrafficContext;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.loadbalancer.core.SelectedInstanceCallback;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import reactor.core.publisher.Flux;

import java.util.Collections;
import java.util.List;

/**
 * The top of a service's {@link ServiceInstanceListSupplier} chain as the agent hands it to the
 * service's balancer: every list the application's chain emits (discovery, caching, zone
 * preference, weights, hints ...) is narrowed to the instances the request's lane may use, and
 * the application's balancer (round robin, random, its own) chooses among them. Warm-up is the
 * one choice made here: when the instances weigh differently, the list is the weighted pick alone.
 */
public final class LanesServiceInstanceListSupplier implements ServiceInstanceListSupplier, SelectedInstanceCallback {

    static final String PLACE = "springcloud:ServiceInstanceListSupplier.get";

    private final ServiceInstanceListSupplier delegate;

    LanesServiceInstanceListSupplier(ServiceInstanceListSupplier delegate) {
        this.delegate = delegate;
    }

    /** {@code supplier} with the lanes on top; itself when it has them already (never wrapped twice). */
    static ServiceInstanceListSupplier of(ServiceInstanceListSupplier supplier) {
        if (supplier == null || supplier instanceof LanesServiceInstanceListSupplier) {
            return supplier;
        }
        return new LanesServiceInstanceListSupplier(supplier);
    }

    ServiceInstanceListSupplier delegate() {
        return delegate;
    }

    @Override
    public String getServiceId() {
        return delegate.getServiceId();
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Flux<List<ServiceInstance>> get(Request request) {
        return lanes(delegate.get(request), request, true);
    }

    @Override
    public Flux<List<ServiceInstance>> get() {
        return lanes(delegate.get(), null, false);
    }

    @SuppressWarnings("rawtypes")
    private Flux<List<ServiceInstance>> lanes(Flux<List<ServiceInstance>> lists, Request request, boolean hasRequest) {
        if (Lanes.routing() == Lanes.PASS_THROUGH || lists == null) {
            return lists;
        }
        final Object state;
        final RequestView view;
        try {
            // Read on the calling thread: the list may be emitted on another one (a shared
            // instance cache refresh emits on whichever request's thread started it).
            state = hasRequest ? TrafficContext.state(RequestDataView.trafficTag(request), TrafficContext.headers())
                    : TrafficContext.capture();
            view = hasRequest ? RequestDataView.of(request) : RequestView.EMPTY;
        } catch (Throwable t) {
            AgentFaults.report(PLACE, t);
            return lists;
        }
        final String serviceId = delegate.getServiceId();
        return lists.map(instances -> narrow(serviceId, instances, state, view));
    }

    /**
     * The instances of {@code instances} that a call in traffic state {@code state} may go to:
     * the list itself when the lanes leave it whole and weights are equal, the lane's instances,
     * or the warm-up pick alone. The only place this plugin asks the engine about candidates.
     *
     * @throws LaneUnavailableException for a strict lane with no instance up: the error of the
     *                                  balancer's answer
     */
    static List<ServiceInstance> narrow(String serviceId, List<ServiceInstance> instances, Object state,
            RequestView view) {
        if (instances == null || instances.isEmpty()) {
            return instances;
        }
        try {
            Routing routing = Lanes.routing();
            List<ServiceInstance> eligible = routing.eligible(serviceId, instances, ServiceInstanceView.INSTANCE,
                    TrafficContext.tagOf(state), TrafficContext.headersOf(state), view);
            ServiceInstance weighted = routing.pickWeighted(serviceId, eligible, ServiceInstanceView.INSTANCE);
            // A warm-up pick is a choice the application's balancer must not undo: it gets it alone.
            return weighted != null ? Collections.singletonList(weighted) : eligible;
        } catch (LaneUnavailableException e) {
            throw e;
        } catch (Throwable t) {
            AgentFaults.report(PLACE, t);
            return instances;
        }
    }

    @Override
    public void selectedServiceInstance(ServiceInstance serviceInstance) {
        // What the framework's balancers call, so that same-instance preference keeps working.
        if (delegate instanceof SelectedInstanceCallback) {
            ((SelectedInstanceCallback) delegate).selectedServiceInstance(serviceInstance);
        }
    }

    @Override
    public String toString() {
        return "LanesServiceInstanceListSupplier[" + delegate + "]";
    }
}
