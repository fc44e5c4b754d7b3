package dev.lanes.core.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.util.Properties;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the version of a framework jar from outside, for a plugin's {@link LanesPlugin#support}
 * check: from the jar that holds a marker resource, its Maven {@code pom.properties}, else its
 * manifest's {@code Implementation-Version}, else its file name. No class of the framework is
 * loaded.
 */
public final class JarVersions {

    private JarVersions() {
    }

    /**
     * The version of the jar that holds {@code marker} (found at resource path {@code markerPath}),
     * or null when none can be read.
     *
     * @param pomProperties path of the Maven pom.properties inside the jar, or null to skip it
     * @param fileName      a pattern whose group 1 is the version in the jar's URL, or null
     */
    public static String read(URL marker, String markerPath, String pomProperties, Pattern fileName) {
        return read(marker, markerPath, pomProperties, fileName, null);
    }

    /**
     * As {@link #read(URL, String, String, Pattern)}, but the manifest's version counts only when
     * its {@code Implementation-Title} is {@code title} (when not null): a jar that repackages
     * the framework carries the application's own manifest.
     */
    public static String read(URL marker, String markerPath, String pomProperties, Pattern fileName,
                              String title) {
        String url = marker.toString();
        int at = url.lastIndexOf(markerPath);
        if (at <= 0) {
            return null;
        }
        String base = url.substring(0, at);
        String version = null;
        if (pomProperties != null) {
            InputStream in = open(base + pomProperties);
            if (in != null) {
                try {
                    Properties properties = new Properties();
                    properties.load(in);
                    version = properties.getProperty("version");
                } catch (IOException | RuntimeException e) {
                    version = null;
                } finally {
                    close(in);
                }
            }
        }
        if (!plausible(version)) {
            InputStream in = open(base + "META-INF/MANIFEST.MF");
            if (in != null) {
                try {
                    java.util.jar.Attributes main = new Manifest(in).getMainAttributes();
                    version = title == null || title.equals(main.getValue("Implementation-Title"))
                            ? main.getValue("Implementation-Version") : null;
                } catch (IOException | RuntimeException e) {
                    version = null;
                } finally {
                    close(in);
                }
            }
        }
        if (plausible(version)) {
            return version.trim();
        }
        if (fileName == null) {
            return null;
        }
        Matcher m = fileName.matcher(base);
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        return last;
    }

    /** The jar (or folder) URL that holds {@code marker}, for messages. */
    public static String jarOf(URL marker, String markerPath) {
        String url = marker.toString();
        int at = url.lastIndexOf(markerPath);
        return at > 0 ? url.substring(0, at) : url;
    }

    /** The index-th dot- or dash-separated number of a version ("3.2.19-SNAPSHOT"), or -1. */
    public static int number(String version, int index) {
        String[] parts = version.trim().split("[.\\-]");
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

    private static boolean plausible(String version) {
        return version != null && !version.trim().isEmpty() && Character.isDigit(version.trim().charAt(0));
    }

    private static InputStream open(String url) {
        try {
            URLConnection connection = new URL(url).openConnection();
            connection.setUseCaches(false);
            return connection.getInputStream();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void close(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
