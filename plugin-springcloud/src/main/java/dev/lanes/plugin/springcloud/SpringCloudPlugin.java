package dev.lanes.plugin.springcloud;

import dev.lanes.core.plugin.LanesPlugin;
import dev.lanes.core.plugin.Support;
import dev.lanes.core.plugin.TypeInstrumentation;
import dev.lanes.plugin.springcloud.loadbalancer.NamedContextFactoryInstrumentation;
import dev.lanes.plugin.springcloud.loadbalancer.retry.LoadBalancerRetryInstrumentation;
import dev.lanes.plugin.springcloud.registration.ServiceRegistryInstrumentation;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Spring Cloud service governance: publishes the instance tag and start time in the
 * registration metadata of any registry, and narrows the instances every Spring Cloud
 * LoadBalancer choice (blocking and reactive) is made among to the request's lane.
 */
public final class SpringCloudPlugin implements LanesPlugin {

    static final String HELPERS = "dev.lanes.plugin.springcloud.";

    /** Loaded into the application's class loader; see {@link LanesPlugin#helperClassNames()}. */
    private static final List<String> HELPER_CLASS_NAMES = Collections.unmodifiableList(Arrays.asList(
            HELPERS + "registration.RegistrationMetadataHelper",
            HELPERS + "registration.LosslessRegistrationHelper",
            HELPERS + "registration.LosslessRegistrationHelper$Register",
            HELPERS + "registration.LosslessRegistrationHelper$Deregister",
            HELPERS + "loadbalancer.ServiceInstanceView",
            HELPERS + "loadbalancer.ServiceInstanceView$StartEntry",
            HELPERS + "loadbalancer.ServiceInstanceView$AddressEntry",
            HELPERS + "loadbalancer.RequestDataView",
            // Shared with the springweb plugin; defined again here (a no-op when it is there) so
            // that this plugin works where springweb is switched off.
            HELPERS + "web.common.QueryStrings",
            HELPERS + "loadbalancer.HttpStatusReader",
            HELPERS + "loadbalancer.HttpStatusReader$Accessors",
            HELPERS + "loadbalancer.HttpStatusReader$ValueMethods",
            HELPERS + "loadbalancer.OutlierFeedbackLifecycle",
            HELPERS + "loadbalancer.LanesServiceInstanceListSupplier",
            HELPERS + "loadbalancer.LanesSupplierProvider",
            HELPERS + "loadbalancer.SupplierDecoration",
            HELPERS + "loadbalancer.LoadBalancerHelper",
            HELPERS + "loadbalancer.retry.RetryPolicy",
            HELPERS + "loadbalancer.retry.BlockingRetry",
            HELPERS + "loadbalancer.retry.BlockingRetry$Failed",
            HELPERS + "loadbalancer.retry.FeignRetry",
            HELPERS + "loadbalancer.retry.WebClientRetry"));

    private static final List<TypeInstrumentation> INSTRUMENTATIONS = Collections.unmodifiableList(
            Arrays.<TypeInstrumentation>asList(
                    new ServiceRegistryInstrumentation(),
                    new NamedContextFactoryInstrumentation(),
                    new LoadBalancerRetryInstrumentation()));

    @Override
    public String name() {
        return "springcloud";
    }

    @Override
    public Support support(ClassLoader loader) {
        return CommonsVersion.support(loader);
    }

    @Override
    public List<TypeInstrumentation> typeInstrumentations() {
        return INSTRUMENTATIONS;
    }

    @Override
    public List<String> helperClassNames() {
        return HELPER_CLASS_NAMES;
    }
}
