package dev.lanes.plugin.springcloud.loadbalancer;

import dev.lanes.bridge.AgentFaults;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.cloud.context.named.NamedContextFactory;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Entry points of the LoadBalancer advice. Every Spring Cloud client obtains a service's
 * balancer and lifecycle beans from the LoadBalancer client factory; these methods decorate
 * what the factory hands out: the balancer with {@link LanesLoadBalancer}, the lifecycle
 * beans with {@link OutlierFeedbackLifecycle}. Both are cached per service, so the hot path
 * allocates nothing but the map copy the factory makes anyway.
 */
public final class LoadBalancerHelper {

    /** Bean name under which the outlier feedback joins a service's lifecycle beans. */
    public static final String FEEDBACK_BEAN = "lanesOutlierFeedback";

    private static final int MAX_SERVICES = 10000;
    private static final ConcurrentMap<String, LanesLoadBalancer> BALANCERS =
            new ConcurrentHashMap<String, LanesLoadBalancer>();
    private static final ConcurrentMap<String, OutlierFeedbackLifecycle> FEEDBACK =
            new ConcurrentHashMap<String, OutlierFeedbackLifecycle>();

    private LoadBalancerHelper() {
    }

    /**
     * The balancer to hand out instead of {@code instance}, the result of
     * {@code factory.getInstance(serviceId, type)}: a {@link LanesLoadBalancer} around it when it
     * is a service's reactor balancer and the caller's {@code type} admits the wrapper, else
     * {@code instance} itself.
     */
    public static Object decorate(Object factory, String serviceId, Class<?> type, Object instance) {
        // Commons types first: spring-cloud-loadbalancer may be absent where the advice runs.
        if (!(instance instanceof ReactiveLoadBalancer)) {
            return instance;
        }
        try {
            if (!(instance instanceof ReactorServiceInstanceLoadBalancer) || instance instanceof LanesLoadBalancer
                    || serviceId == null || type == null || !type.isAssignableFrom(LanesLoadBalancer.class)
                    || !(factory instanceof ReactiveLoadBalancer.Factory) || !(factory instanceof NamedContextFactory)) {
                return instance;
            }
            LanesLoadBalancer cached = BALANCERS.get(serviceId);
            if (cached != null && cached.delegate() == instance && cached.factory() == factory) {
                return cached;
            }
            LanesLoadBalancer wrapper = new LanesLoadBalancer(serviceId, (ReactorServiceInstanceLoadBalancer) instance,
                    (NamedContextFactory<?>) factory);
            if (cached != null || BALANCERS.size() < MAX_SERVICES) {
                BALANCERS.put(serviceId, wrapper);
            }
            return wrapper;
        } catch (Throwable t) {
            AgentFaults.report("springcloud:LoadBalancerClientFactory.getInstance", t);
            return instance;
        }
    }

    /**
     * The lifecycle beans to hand out for {@code serviceId}, the result of
     * {@code factory.getInstances(serviceId, type)}, with the outlier feedback added when
     * {@code type} is {@code LoadBalancerLifecycle}.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static Object withFeedback(Object factory, String serviceId, Class<?> type, Object instances) {
        if (type != LoadBalancerLifecycle.class) {
            return instances;
        }
        try {
            if (serviceId == null || !(factory instanceof ReactiveLoadBalancer.Factory)
                    || (instances != null && !(instances instanceof Map))) {
                return instances;
            }
            OutlierFeedbackLifecycle feedback = feedback(serviceId);
            Map map = (Map) instances;
            if (map == null) {
                map = new LinkedHashMap();
            } else if (map.get(FEEDBACK_BEAN) == feedback) {
                return map;
            }
            try {
                map.put(FEEDBACK_BEAN, feedback);
                return map;
            } catch (UnsupportedOperationException readOnly) {
                Map<String, LoadBalancerLifecycle> copy = new LinkedHashMap<String, LoadBalancerLifecycle>(map);
                copy.put(FEEDBACK_BEAN, feedback);
                return copy;
            }
        } catch (Throwable t) {
            AgentFaults.report("springcloud:LoadBalancerClientFactory.getInstances", t);
            return instances;
        }
    }

    static OutlierFeedbackLifecycle feedback(String serviceId) {
        OutlierFeedbackLifecycle feedback = FEEDBACK.get(serviceId);
        if (feedback == null) {
            feedback = new OutlierFeedbackLifecycle(serviceId);
            if (FEEDBACK.size() < MAX_SERVICES) {
                OutlierFeedbackLifecycle raced = FEEDBACK.putIfAbsent(serviceId, feedback);
                if (raced != null) {
                    feedback = raced;
                }
            }
        }
        return feedback;
    }
}
