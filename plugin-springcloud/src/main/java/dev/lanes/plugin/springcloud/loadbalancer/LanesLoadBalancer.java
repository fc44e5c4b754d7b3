package dev.lanes.plugin.springcloud.loadbalancer;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.LaneUnavailableException;
import dev.lanes.bridge.Lanes;
import dev.lanes.bridge.RequestView;
import dev.lanes.bridge.Routing;
import dev.lanes.bridge.TrafficContext;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultResponse;
import org.springframework.cloud.client.loadbalancer.EmptyResponse;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.context.named.NamedContextFactory;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.cloud.loadbalancer.core.SelectedInstanceCallback;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import reactor.core.publisher.Mono;

import java.util.List;

/**
 * Wraps the application's LoadBalancer for one service. It reads the same candidate list
 * the wrapped balancer would (the service's {@link ServiceInstanceListSupplier} bean, so
 * zone, health-check, hint and sticky-session suppliers have already done their part), asks
 * the routing facade, and either answers with its choice or leaves the call to the wrapped
 * balancer, whose choice then stands exactly as without the agent.
 */
public final class LanesLoadBalancer implements ReactorServiceInstanceLoadBalancer {

    private static final String PLACE = "springcloud:LoadBalancer.choose";

    /** "Let the wrapped balancer choose"; compared by identity, never emitted. */
    private static final Response<ServiceInstance> FRAMEWORK = new EmptyResponse();

    private final String serviceId;
    private final ReactorServiceInstanceLoadBalancer delegate;
    private final NamedContextFactory<?> factory;
    private volatile ServiceInstanceListSupplier supplier;
    private volatile boolean supplierResolved;

    LanesLoadBalancer(String serviceId, ReactorServiceInstanceLoadBalancer delegate, NamedContextFactory<?> factory) {
        this.serviceId = serviceId;
        this.delegate = delegate;
        this.factory = factory;
    }

    ReactorServiceInstanceLoadBalancer delegate() {
        return delegate;
    }

    NamedContextFactory<?> factory() {
        return factory;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Mono<Response<ServiceInstance>> choose(final Request request) {
        final Routing routing = Lanes.routing();
        if (routing == Lanes.PASS_THROUGH) {
            return delegate.choose(request);
        }
        final ServiceInstanceListSupplier candidates;
        final Object state;
        final RequestView view;
        try {
            candidates = supplier();
            if (candidates == null) {
                return delegate.choose(request);
            }
            // Read on the calling thread: the list may be emitted on another one (a shared
            // instance cache refresh emits on whichever request's thread started it).
            state = TrafficContext.state(RequestDataView.trafficTag(request), TrafficContext.headers());
            view = RequestDataView.of(request);
        } catch (Throwable t) {
            AgentFaults.report(PLACE, t);
            return delegate.choose(request);
        }
        return candidates.get(request).next()
                .map(instances -> decide(routing, candidates, instances, state, view))
                .defaultIfEmpty(FRAMEWORK)
                // A failing supplier fails the wrapped balancer the same way; let it.
                .onErrorResume(e -> e instanceof LaneUnavailableException ? Mono.error(e) : Mono.just(FRAMEWORK))
                .flatMap(response -> response == FRAMEWORK ? delegate.choose(request) : Mono.just(response));
    }

    /** The routing decision for one candidate list: a response, or FRAMEWORK. */
    Response<ServiceInstance> decide(Routing routing, ServiceInstanceListSupplier candidates,
            List<ServiceInstance> instances, Object state, RequestView view) {
        try {
            ServiceInstance chosen = routing.choose(serviceId, instances, ServiceInstanceView.INSTANCE,
                    TrafficContext.tagOf(state), TrafficContext.headersOf(state), view);
            if (chosen == null) {
                return FRAMEWORK;
            }
            if (candidates instanceof SelectedInstanceCallback) {
                // What the framework's balancers do, so same-instance preference keeps working.
                ((SelectedInstanceCallback) candidates).selectedServiceInstance(chosen);
            }
            return new DefaultResponse(chosen);
        } catch (LaneUnavailableException e) {
            throw e;
        } catch (Throwable t) {
            AgentFaults.report(PLACE, t);
            return FRAMEWORK;
        }
    }

    /** The supplier bean the wrapped balancer reads, looked up the way the framework's balancers do. */
    private ServiceInstanceListSupplier supplier() {
        if (!supplierResolved) {
            supplier = factory.getProvider(serviceId, ServiceInstanceListSupplier.class).getIfAvailable();
            supplierResolved = true;
        }
        return supplier;
    }

    @Override
    public String toString() {
        return "LanesLoadBalancer[" + serviceId + " -> " + delegate + "]";
    }
}
