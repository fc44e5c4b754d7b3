package dev.lanes.plugin.gateway;

import dev.lanes.core.plugin.JarVersions;
import dev.lanes.core.plugin.Support;
import java.util.regex.Pattern;

/**
 * Finds which Spring Cloud Gateway Server MVC a class loader sees, from the jar that holds
 * {@code ProxyExchangeHandlerFunction.class} (spring-cloud-gateway-server-mvc up to 4.x,
 * spring-cloud-gateway-server-webmvc from 5.0), without loading any framework class.
 */
final class GatewayMvcVersion {

    static final String MARKER = "org/springframework/cloud/gateway/server/mvc/handler/ProxyExchangeHandlerFunction.class";
    static final String SUPPORTED_RANGE = "Spring Cloud Gateway Server MVC 4.1.x to 5.x (Spring Cloud 2023.0 to 2025.1)";

    /** What the plugin's hooks and filters use, checked when the version cannot be read. */
    static final String[] NEEDED = {MARKER,
        "org/springframework/cloud/gateway/server/mvc/filter/HttpHeadersFilter$RequestHttpHeadersFilter.class",
        "org/springframework/cloud/gateway/server/mvc/filter/LoadBalancerFilterFunctions.class",
        "jakarta/servlet/http/HttpServletRequest.class"};

    private static final Pattern FILE_NAME =
            Pattern.compile("spring-cloud-gateway-server-(?:web)?mvc-(\\d+\\.\\d+[^/!]*?)\\.jar");

    private GatewayMvcVersion() {
    }

    static Support support(ClassLoader loader) {
        return GatewayVersion.support(loader, "Spring Cloud Gateway Server MVC", "spring-cloud-gateway-server-mvc",
                MARKER, FILE_NAME, SUPPORTED_RANGE, NEEDED, GatewayMvcVersion::isSupported);
    }

    /** True for 4.1 and later 4.x, and 5.x, including milestones and snapshots. */
    static boolean isSupported(String version) {
        int major = JarVersions.number(version, 0);
        int minor = JarVersions.number(version, 1);
        return major == 4 ? minor >= 1 : major == 5;
    }
}
