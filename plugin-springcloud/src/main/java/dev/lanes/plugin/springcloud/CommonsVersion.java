package dev.lanes.plugin.springcloud;

import dev.lanes.core.plugin.JarVersions;
import dev.lanes.core.plugin.Support;

import java.net.URL;
import java.util.regex.Pattern;

/**
 * Finds which spring-cloud-commons a class loader sees, from the manifest (or the file name)
 * of the jar that holds {@code ServiceInstance.class}, without loading any framework class.
 */
final class CommonsVersion {

    static final String MARKER = "org/springframework/cloud/client/ServiceInstance.class";
    static final String SUPPORTED_RANGE = "spring-cloud-commons 3.1.x to 5.x (Spring Cloud 2021.0 to 2025.1)";

    /** What the plugin's hooks use that older lines lack, checked when the version cannot be read. */
    static final String[] NEEDED = {"org/springframework/cloud/client/loadbalancer/RequestDataContext.class",
        "org/springframework/cloud/client/loadbalancer/LoadBalancerLifecycle.class"};

    private static final Pattern FILE_NAME = Pattern.compile("spring-cloud-commons-(\\d+\\.\\d+[^/!]*?)\\.jar");

    private CommonsVersion() {
    }

    static Support support(ClassLoader loader) {
        URL marker = loader == null ? ClassLoader.getSystemResource(MARKER) : loader.getResource(MARKER);
        if (marker == null) {
            return Support.unsupported("spring-cloud-commons is not on the class path (no " + MARKER
                    + "); supported: " + SUPPORTED_RANGE);
        }
        String version = versionOf(marker);
        if (version == null) {
            return Support.whenVersionUnreadable(loader, "spring-cloud-commons", jarOf(marker), SUPPORTED_RANGE,
                    NEEDED, new String[0]);
        }
        return isSupported(version) ? Support.SUPPORTED
                : Support.unsupported("found spring-cloud-commons " + version + " at " + jarOf(marker)
                        + "; supported: " + SUPPORTED_RANGE);
    }

    /** True for 3.1 and later 3.x, 4.x and 5.x, including milestones and snapshots. */
    static boolean isSupported(String version) {
        int major = number(version, 0);
        int minor = number(version, 1);
        if (major == 3) {
            return minor >= 1;
        }
        return major == 4 || major == 5;
    }

    /** The version from the jar manifest, else from the jar's file name, else null. */
    static String versionOf(URL marker) {
        return JarVersions.read(marker, MARKER, null, FILE_NAME);
    }

    private static String jarOf(URL marker) {
        return JarVersions.jarOf(marker, MARKER);
    }

    /** The index-th dot-separated number of a version, or -1. */
    private static int number(String version, int index) {
        return JarVersions.number(version, index);
    }
}
