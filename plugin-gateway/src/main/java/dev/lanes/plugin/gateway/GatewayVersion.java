package dev.lanes.plugin.gateway;

import dev.lanes.core.plugin.JarVersions;
import dev.lanes.core.plugin.Support;
import java.net.URL;
import java.util.function.Predicate;
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
        return support(loader, "Spring Cloud Gateway (WebFlux)", "spring-cloud-gateway-server", MARKER, FILE_NAME,
                SUPPORTED_RANGE, NEEDED, GatewayVersion::isSupported);
    }

    /**
     * The check of either gateway plugin: the version of the jar that holds {@code marker}, read
     * from {@code fileName}'s group 1 where the jar's manifest does not say it; the classes
     * {@code needed} when it cannot be read.
     */
    static Support support(ClassLoader loader, String product, String artifact, String marker, Pattern fileName,
                           String range, String[] needed, Predicate<String> supportedVersion) {
        URL found = loader == null ? ClassLoader.getSystemResource(marker) : loader.getResource(marker);
        if (found == null) {
            return Support.unsupported(product + " is not on the class path (no " + marker + "); supported: "
                    + range);
        }
        String version = JarVersions.read(found, marker, null, fileName);
        String jar = JarVersions.jarOf(found, marker);
        if (version == null) {
            return Support.whenVersionUnreadable(loader, artifact, jar, range, needed, new String[0]);
        }
        return supportedVersion.test(version) ? Support.SUPPORTED
                : Support.unsupported("found " + product + " " + version + " at " + jar + "; supported: " + range);
    }

    /** True for 3.1 and later 3.x, 4.x and 5.x, including milestones and snapshots. */
    static boolean isSupported(String version) {
        int major = JarVersions.number(version, 0);
        int minor = JarVersions.number(version, 1);
        return major == 3 ? minor >= 1 : major == 4 || major == 5;
    }
}
