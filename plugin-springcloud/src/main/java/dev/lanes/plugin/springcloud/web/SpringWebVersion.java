package dev.lanes.plugin.springcloud.web;

import dev.lanes.core.plugin.JarVersions;
import dev.lanes.core.plugin.Support;
import java.net.URL;
import java.util.regex.Pattern;

/**
 * Finds which spring-web a class loader has, from resources only: the manifest of the jar that
 * holds {@code RestTemplate.class} (plain jars, Spring Boot nested jars, any URL handler).
 */
final class SpringWebVersion {

    static final String MARKER = "org/springframework/web/client/RestTemplate.class";
    /** Present from spring-web 5.3 on; identifies a supported line when a repackaged jar hides the version. */
    static final String SINCE_5_3 = "org/springframework/web/util/ServletRequestPathUtils.class";
    static final String SUPPORTED = "supported: spring-web 5.3.x to 7.x (Spring Boot 2.4 to 4.0)";
    private static final Pattern FILE_NAME = Pattern.compile("spring-web-(\\d+\\.\\d+[^/!]*?)\\.jar");

    private SpringWebVersion() {
    }

    static Support check(ClassLoader loader) {
        if (loader == null) {
            return Support.unsupported("spring-web is never on the bootstrap class path; " + SUPPORTED);
        }
        URL marker = loader.getResource(MARKER);
        if (marker == null) {
            return Support.unsupported("spring-web not found (no " + MARKER + "); " + SUPPORTED);
        }
        String version = manifestVersion(marker);
        if (version == null) {
            return Support.whenVersionUnreadable(loader, "spring-web", jarOf(marker), SUPPORTED,
                    new String[] {SINCE_5_3}, new String[0]);
        }
        return forVersion(version, jarOf(marker));
    }

    /** The verdict for a spring-web version string such as "6.2.12" or "7.0.0-M3". */
    static Support forVersion(String version, String where) {
        int major = leadingNumber(version, 0);
        int minor = leadingNumber(version, 1);
        boolean fits = (major == 5 && minor == 3) || major == 6 || major == 7;
        return fits ? Support.SUPPORTED
                : Support.unsupported("spring-web " + version + " found at " + where + "; " + SUPPORTED);
    }

    /**
     * The version of the jar holding {@code marker}: its manifest's, when the manifest says it is
     * spring-web, else the jar's file name; null when neither tells.
     */
    static String manifestVersion(URL marker) {
        return JarVersions.read(marker, MARKER, null, FILE_NAME, "spring-web");
    }

    private static String jarOf(URL marker) {
        return JarVersions.jarOf(marker, MARKER);
    }

    private static int leadingNumber(String version, int index) {
        return JarVersions.number(version, index);
    }
}
