package dev.lanes.plugin.dubbo.common;

import dev.lanes.core.plugin.JarVersions;
import dev.lanes.core.plugin.Support;

import java.net.URL;
import java.util.regex.Pattern;

/**
 * Finds which Apache Dubbo a class loader sees, from the jar that holds
 * {@code org/apache/dubbo/common/Version.class} (the all-in-one {@code dubbo} jar or
 * {@code dubbo-common}), read by {@link JarVersions}. No framework class is loaded.
 */
public final class DubboVersion {

    static final String MARKER = "org/apache/dubbo/common/Version.class";
    private static final String POM_PROPERTIES = "META-INF/maven/org.apache.dubbo/dubbo-common/pom.properties";
    private static final Pattern FILE_NAME = Pattern.compile("dubbo(?:-common)?-(\\d+\\.\\d+[^/!]*?)\\.jar");

    /** A range of Dubbo versions, from {@code from} to the last patch of {@code to} ("2.7.5", "2.7"). */
    public static final class Range {
        private final long from;
        private final long to;
        private final String description;
        private final String[] needed;
        private final String[] foreign;

        /**
         * @param needed  resources the plugin's hooks need, checked when the version cannot be read
         * @param foreign resources that mark a line outside the range, checked likewise
         */
        public Range(String from, String to, String description, String[] needed, String[] foreign) {
            this.from = key(from, 0);
            this.to = key(to, 999);
            this.description = description;
            this.needed = needed.clone();
            this.foreign = foreign.clone();
        }

        public Range(String from, String to, String description) {
            this(from, to, description, new String[0], new String[0]);
        }

        boolean contains(String version) {
            long v = key(version, 0);
            return v >= 0 && v >= from && v <= to;
        }

        /** major.minor.patch as one number; a missing patch counts as {@code patchIfMissing}. */
        private static long key(String version, int patchIfMissing) {
            int major = number(version, 0);
            int minor = number(version, 1);
            int patch = number(version, 2);
            if (major < 0 || minor < 0) {
                return -1;
            }
            return major * 1_000_000L + minor * 1_000L + (patch < 0 ? patchIfMissing : Math.min(patch, 999));
        }

        @Override
        public String toString() {
            return description;
        }
    }

    private DubboVersion() {
    }

    /** The plugin's verdict for {@code loader}: Dubbo present and within {@code range}. */
    public static Support support(ClassLoader loader, Range range) {
        URL marker = loader == null ? ClassLoader.getSystemResource(MARKER) : loader.getResource(MARKER);
        if (marker == null) {
            return Support.unsupported("Apache Dubbo is not on the class path (no " + MARKER + "); supported: "
                    + range);
        }
        String version = versionOf(marker);
        if (version == null) {
            return Support.whenVersionUnreadable(loader, "Apache Dubbo", jarOf(marker), range.description,
                    range.needed, range.foreign);
        }
        return range.contains(version) ? Support.SUPPORTED
                : Support.unsupported("found Apache Dubbo " + version + " at " + jarOf(marker) + "; supported: " + range);
    }

    /** The version of the jar holding {@code marker}, or null. */
    static String versionOf(URL marker) {
        return JarVersions.read(marker, MARKER, POM_PROPERTIES, FILE_NAME);
    }

    private static String jarOf(URL marker) {
        return JarVersions.jarOf(marker, MARKER);
    }

    static int number(String version, int index) {
        return JarVersions.number(version, index);
    }
}
