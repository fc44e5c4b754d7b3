package dev.lanes.plugin.gateway;

import dev.lanes.core.plugin.JarVersions;
import dev.lanes.core.plugin.Support;
import java.net.URL;
import java.util.regex.Pattern;

/**
 * Finds which Spring Cloud Gateway a class loader sees, from the jar that holds
 * {@code FilteringWebHandler.class} (spring-cloud-gateway-server up to 4.x,
 * spring-cloud-gateway-server-webflux from 5.0), without loading any framework class.
 */
final class GatewayVersion {

    static final String MARKER = "org/springframework/cloud/gateway/handler/FilteringWebHandler.class";
    static final String SUPPORTED_RANGE = "Spring Cloud Gateway 3.1.x to 5.x (Spring Cloud 2021.0 to 2025.1)";

    /** What the plugin's hook and filter use, checked when the version cannot be read. */
    static final String[] NEEDED = {MARKER, "org/springframework/cloud/gateway/filter/GlobalFilter.class",
        "org/springframework/cloud/gateway/filter/GatewayFilterChain.class"};

    private static final Pattern FILE_NAME =
            Pattern.compile("spring-cloud-gateway-server(?:-webflux)?-(\\d+\\.\\d+[^/!]*?)\\.jar");

    private GatewayVersion() {
    }

    static Support support(ClassLoader loader) {
        URL marker = loader == null ? ClassLoader.getSystemResource(MARKER) : loader.getResource(MARKER);
        if (marker == null) {
            return Support.unsupported("Spring Cloud Gateway (WebFlux) is not on the class path (no " + MARKER
                    + "); supported: " + SUPPORTED_RANGE);
        }
        String version = JarVersions.read(marker, MARKER, null, FILE_NAME);
        String jar = JarVersions.jarOf(marker, MARKER);
        if (version == null) {
            return Support.whenVersionUnreadable(loader, "spring-cloud-gateway-server", jar, SUPPORTED_RANGE,
                    NEEDED, new String[0]);
        }
        return isSupported(version) ? Support.SUPPORTED
                : Support.unsupported("found Spring Cloud Gateway " + version + " at " + jar + "; supported: "
                        + SUPPORTED_RANGE);
    }

    /** True for 3.1 and later 3.x, 4.x and 5.x, including milestones and snapshots. */
    static boolean isSupported(String version) {
        int major = JarVersions.number(version, 0);
        int minor = JarVersions.number(version, 1);
        return major == 3 ? minor >= 1 : major == 4 || major == 5;
    }
}
