package dev.lanes.plugin.dubbo.common;

import dev.lanes.bridge.Routing;
import org.apache.dubbo.common.URL;

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

    /** Dubbo's own services (metadata, health, reflection) are left to Dubbo. */
    private static final String DUBBO_INTERNAL_PREFIX = "org.apache.dubbo.";

    private ServiceNames() {
    }

    /** Whether {@code interfaceName} is one of Dubbo's own services, which Lanes leaves alone. */
    public static boolean isDubboInternal(String interfaceName) {
        return interfaceName != null && interfaceName.startsWith(DUBBO_INTERNAL_PREFIX);
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
