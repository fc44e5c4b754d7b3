package dev.lanes.plugin.springcloud.loadbalancer;

import dev.lanes.bridge.AgentFaults;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Entry points of the LoadBalancer advice. Every Spring Cloud client obtains a service's
 * balancer and lifecycle beans from the LoadBalancer client factory, and the balancer obtains
 * the service's {@code ServiceInstanceListSupplier} from it too; these methods decorate what the
 * factory hands out: the supplier with {@link LanesServiceInstanceListSupplier} (so the
 * application's balancer chooses among the lane's instances), the lifecycle beans with
 * {@link OutlierFeedbackLifecycle}.
 */
public final class LoadBalancerHelper {

    /** Bean name under which the outlier feedback joins a service's lifecycle beans. */
    public static final String FEEDBACK_BEAN = "lanesOutlierFeedback";

    /** Compared by name first: spring-cloud-loadbalancer may be absent where the advice runs. */
    static final String SUPPLIER_TYPE = "org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier";

    private static final int MAX_SERVICES = 10000;
    private static final ConcurrentMap<String, Object> SUPPLIERS = new ConcurrentHashMap<String, Object>();
    private static final ConcurrentMap<String, OutlierFeedbackLifecycle> FEEDBACK =
            new ConcurrentHashMap<String, OutlierFeedbackLifecycle>();

    private LoadBalancerHelper() {
    }

    /**
     * The provider to hand out instead of {@code provider}, the result of
     * {@code factory.getProvider(serviceId, type)} (which {@code getLazyProvider} calls): for a
     * service's {@code ServiceInstanceListSupplier}, one whose suppliers have the lanes on top.
     */
    public static Object decorateProvider(Object factory, String serviceId, Class<?> type, Object provider) {
        if (!isSupplierLookup(factory, serviceId, type) || provider == null) {
            return provider;
        }
        try {
            return SupplierDecoration.provider(provider);
        } catch (Throwable t) {
            AgentFaults.report("springcloud:LoadBalancerClientFactory.getProvider", t);
            return provider;
        }
    }

    /**
     * The supplier to hand out instead of {@code instance}, the result of
     * {@code factory.getInstance(serviceId, type)}: for a service's
     * {@code ServiceInstanceListSupplier}, the same with the lanes on top, kept per service.
     */
    public static Object decorate(Object factory, String serviceId, Class<?> type, Object instance) {
        if (!isSupplierLookup(factory, serviceId, type) || instance == null) {
            return instance;
        }
        try {
            Object cached = SUPPLIERS.get(serviceId);
            if (cached != null && SupplierDecoration.wraps(cached, instance)) {
                return cached;
            }
            Object wrapper = SupplierDecoration.supplier(instance);
            if (wrapper != instance && (cached != null || SUPPLIERS.size() < MAX_SERVICES)) {
                SUPPLIERS.put(serviceId, wrapper);
            }
            return wrapper;
        } catch (Throwable t) {
            AgentFaults.report("springcloud:LoadBalancerClientFactory.getInstance", t);
            return instance;
        }
    }

    private static boolean isSupplierLookup(Object factory, String serviceId, Class<?> type) {
        return type != null && serviceId != null && SUPPLIER_TYPE.equals(type.getName())
                && factory instanceof ReactiveLoadBalancer.Factory;
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
            feedback.factory((ReactiveLoadBalancer.Factory<?>) factory);
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
