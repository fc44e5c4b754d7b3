package dev.lanes.plugin.dubbo.common;

import dev.lanes.bridge.Routing;
import org.apache.dubbo.common.URL;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;

/**
 * The name a Dubbo call's service goes by in the rules: the interface name
 * ({@code com.example.GreetingService}), unless the rules have routes only for the
 * application that provides it ({@code greeting-provider}, the {@code remote.application}
 * parameter of the provider URL). Outlier detection uses the same name as routing.
 */
public final class ServiceNames {

    /** Dubbo's URL parameter naming the provider's application, on the consumer side (2.7, 3.x instances). */
    static final String REMOTE_APPLICATION_KEY = "remote.application";
    /**
     * Where Dubbo 3's provider URLs of interface-level discovery answer with the provider's
     * application instead ({@code ServiceAddressURL}).
     */
    static final String APPLICATION_KEY = "application";

    /**
     * Dubbo's own services, which Lanes leaves to Dubbo, by their exact service names as the
     * Dubbo jars of 2.7.23, 3.1.11, 3.2.19 and 3.3.6 declare them. Not a package prefix: users'
     * services may live under {@code org.apache.dubbo} too (the official samples'
     * {@code org.apache.dubbo.samples.api.GreetingsService}), and those are routed like any other.
     */
    static final Set<String> DUBBO_INTERNAL_SERVICES = Collections.unmodifiableSet(new HashSet<String>(Arrays.asList(
            // The metadata service of application-level discovery (2.7.5+, 3.x) and its
            // Triple successor that 3.3 exports beside it.
            "org.apache.dubbo.metadata.MetadataService",
            "org.apache.dubbo.metadata.MetadataServiceV2",
            // Monitoring: the monitor (2.7, 3.x), its metrics service (2.7 to 3.2), and the
            // metrics service that 3.1 and 3.2/3.3 export (MetricsServiceExporter).
            "org.apache.dubbo.monitor.MonitorService",
            "org.apache.dubbo.monitor.MetricsService",
            "org.apache.dubbo.common.metrics.service.MetricsService",
            "org.apache.dubbo.metrics.service.MetricsService",
            // Triple's built-in health and reflection services (3.x), by service and Java names.
            "grpc.health.v1.Health",
            "io.grpc.health.v1.Health",
            "grpc.reflection.v1alpha.ServerReflection",
            "io.grpc.reflection.v1alpha.ServerReflection",
            // Certificate services of Dubbo's mesh security (3.1: Istio's; 3.2/3.3: Dubbo's).
            "istio.v1.auth.IstioCertificateService",
            "org.apache.dubbo.auth.v1alpha1.DubboCertificateService")));

    private ServiceNames() {
    }

    /** Whether {@code interfaceName} is one of Dubbo's own services, which Lanes leaves alone. */
    public static boolean isDubboInternal(String interfaceName) {
        return interfaceName != null && DUBBO_INTERNAL_SERVICES.contains(interfaceName);
    }

    /**
     * @param interfaceUrl   a URL whose service interface is the called one (consumer or provider URL)
     * @param providerUrl    a provider URL, for the provider application; may be null
     */
    public static String forRouting(Routing routing, URL interfaceUrl, URL providerUrl) {
        String iface = interfaceUrl == null ? null : interfaceUrl.getServiceInterface();
        if (iface != null && routing.hasRoutes(iface)) {
            return iface;
        }
        if (providerUrl != null) {
            String application = providerUrl.getParameter(REMOTE_APPLICATION_KEY);
            if (application == null || application.isEmpty()) {
                application = providerUrl.getParameter(APPLICATION_KEY);
            }
            if (application != null && !application.isEmpty() && routing.hasRoutes(application)) {
                return application;
            }
        }
        return iface;
    }
}
