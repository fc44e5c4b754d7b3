package dev.lanes.plugin.springcloud;

import dev.lanes.bridge.AgentLog;
import dev.lanes.core.plugin.Support;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds which spring-cloud-commons a class loader sees, from the manifest (or the file name)
 * of the jar that holds {@code ServiceInstance.class}, without loading any framework class.
 */
final class CommonsVersion {

    static final String MARKER = "org/springframework/cloud/client/ServiceInstance.class";
    static final String SUPPORTED_RANGE = "spring-cloud-commons 3.1.x to 5.x (Spring Cloud 2021.0 to 2025.1)";

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
            // An exploded or repackaged commons without a version: the hooks check every type
            // they touch, so trying is safe, and a fault only turns the plugin's work off.
            AgentLog.warnOnce("springcloud:version:" + marker, "could not read the spring-cloud-commons version at "
                    + marker + "; assuming it is within " + SUPPORTED_RANGE);
            return Support.SUPPORTED;
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
        String url = marker.toString();
        int at = url.lastIndexOf(MARKER);
        if (at <= 0) {
            return null;
        }
        String base = url.substring(0, at);
        String version = null;
        try {
            URLConnection connection = new URL(base + "META-INF/MANIFEST.MF").openConnection();
            connection.setUseCaches(false);
            InputStream in = connection.getInputStream();
            try {
                version = new Manifest(in).getMainAttributes().getValue("Implementation-Version");
            } finally {
                in.close();
            }
        } catch (IOException | RuntimeException e) {
            version = null;
        }
        if (version != null && !version.trim().isEmpty() && Character.isDigit(version.trim().charAt(0))) {
            return version.trim();
        }
        Matcher m = FILE_NAME.matcher(base);
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        return last;
    }

    private static String jarOf(URL marker) {
        String url = marker.toString();
        int at = url.lastIndexOf(MARKER);
        return at > 0 ? url.substring(0, at) : url;
    }

    /** The index-th dot-separated number of a version, or -1. */
    private static int number(String version, int index) {
        String[] parts = version.split("[.\\-]");
        if (index >= parts.length) {
            return -1;
        }
        String p = parts[index];
        int n = 0;
        int i = 0;
        while (i < p.length() && Character.isDigit(p.charAt(i)) && i < 6) {
            n = n * 10 + (p.charAt(i) - '0');
            i++;
        }
        return i == 0 ? -1 : n;
    }
}
