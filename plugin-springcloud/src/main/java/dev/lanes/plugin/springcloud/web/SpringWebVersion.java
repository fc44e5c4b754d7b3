package dev.lanes.plugin.springcloud.web;

import dev.lanes.core.plugin.Support;
import java.io.InputStream;
import java.net.URL;
import java.util.jar.Attributes;
import java.util.jar.Manifest;

/**
 * Finds which spring-web a class loader has, from resources only: the manifest of the jar that
 * holds {@code RestTemplate.class} (plain jars, Spring Boot nested jars, any URL handler).
 */
final class SpringWebVersion {

    static final String MARKER = "org/springframework/web/client/RestTemplate.class";
    /** Present from spring-web 5.3 on; identifies a supported line when a repackaged jar hides the version. */
    static final String SINCE_5_3 = "org/springframework/web/util/ServletRequestPathUtils.class";
    static final String SUPPORTED = "supported: spring-web 5.3.x to 7.x (Spring Boot 2.4 to 4.0)";

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
            boolean recent = loader.getResource(SINCE_5_3) != null;
            return recent ? Support.SUPPORTED : Support.unsupported("spring-web at " + jarOf(marker)
                    + " has no readable version and predates 5.3; " + SUPPORTED);
        }
        return forVersion(version, jarOf(marker));
    }

    /** The verdict for a spring-web version string such as "6.2.12" or "7.0.0-M3". */
    static Support forVersion(String version, String where) {
        int major = leadingNumber(version, 0);
        int dot = version.indexOf('.');
        int minor = dot < 0 ? -1 : leadingNumber(version, dot + 1);
        boolean fits = (major == 5 && minor == 3) || major == 6 || major == 7;
        return fits ? Support.SUPPORTED
                : Support.unsupported("spring-web " + version + " found at " + where + "; " + SUPPORTED);
    }

    /** Implementation-Version of the jar holding {@code marker}, when the jar says it is spring-web. */
    static String manifestVersion(URL marker) {
        String text = marker.toString();
        if (!text.endsWith(MARKER)) {
            return null;
        }
        try {
            URL manifestUrl = new URL(marker, text.substring(0, text.length() - MARKER.length()) + "META-INF/MANIFEST.MF");
            try (InputStream in = manifestUrl.openStream()) {
                Attributes main = new Manifest(in).getMainAttributes();
                String title = main.getValue(Attributes.Name.IMPLEMENTATION_TITLE);
                String version = main.getValue(Attributes.Name.IMPLEMENTATION_VERSION);
                return "spring-web".equals(title) && version != null ? version.trim() : null;
            }
        } catch (Exception e) {
            return null; // no manifest where it should be: treated as an unknown version
        }
    }

    private static String jarOf(URL marker) {
        String text = marker.toString();
        return text.endsWith(MARKER) ? text.substring(0, text.length() - MARKER.length()) : text;
    }

    private static int leadingNumber(String text, int from) {
        int value = -1;
        for (int i = from; i < text.length() && Character.isDigit(text.charAt(i)) && i - from < 4; i++) {
            value = (value < 0 ? 0 : value * 10) + (text.charAt(i) - '0');
        }
        return value;
    }
}
