package dev.lanes.plugin.springcloud.loadbalancer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;

/**
 * The part of {@link LoadBalancerHelper} that names spring-cloud-loadbalancer types, reached only
 * once the helper has seen, by name, that a {@code ServiceInstanceListSupplier} was asked for.
 */
final class SupplierDecoration {

    private SupplierDecoration() {
    }

    @SuppressWarnings("unchecked")
    static Object provider(Object provider) {
        if (!(provider instanceof ObjectProvider) || provider instanceof LanesSupplierProvider) {
            return provider;
        }
        return new LanesSupplierProvider((ObjectProvider<ServiceInstanceListSupplier>) provider);
    }

    static Object supplier(Object supplier) {
        if (!(supplier instanceof ServiceInstanceListSupplier)) {
            return supplier;
        }
        return LanesServiceInstanceListSupplier.of((ServiceInstanceListSupplier) supplier);
    }

    /** True when {@code wrapper} is the lanes on top of exactly {@code supplier}. */
    static boolean wraps(Object wrapper, Object supplier) {
        return wrapper instanceof LanesServiceInstanceListSupplier
                && (((LanesServiceInstanceListSupplier) wrapper).delegate() == supplier || wrapper == supplier);
    }
}
