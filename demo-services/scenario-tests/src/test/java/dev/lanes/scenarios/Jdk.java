package dev.lanes.scenarios;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JDK of the matrix: its home and feature version, read from the home's {@code release}
 * file so that a class named for JDK 25 runs on a 25 and nothing else.
 */
record Jdk(int feature, Path home, String version) {

    private static final Pattern JAVA_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"([0-9]+)([^\"]*)\"");

    /**
     * The JDK of that feature version: {@code -Dlanes.java<feature>} (the build sets it), else
     * this JVM's when it has that version; null when neither is one.
     */
    static Jdk find(int feature) {
        String configured = System.getProperty("lanes.java" + feature);
        if (configured != null && !configured.isBlank()) {
            Jdk jdk = at(Paths.get(configured));
            if (jdk != null && jdk.feature() == feature) {
                return jdk;
            }
        }
        Jdk own = at(Paths.get(System.getProperty("java.home")));
        return own != null && own.feature() == feature ? own : null;
    }

    /** Where the build looked for that JDK, for a skip message. */
    static String lookedAt(int feature) {
        return "-Dlanes.java" + feature + "=" + System.getProperty("lanes.java" + feature) + " and java.home="
                + System.getProperty("java.home");
    }

    static Jdk at(Path home) {
        Path release = home.resolve("release");
        if (!Files.isExecutable(home.resolve("bin").resolve("java")) || !Files.isRegularFile(release)) {
            return null;
        }
        try {
            Matcher m = JAVA_VERSION.matcher(Files.readString(release));
            return m.find() ? new Jdk(Integer.parseInt(m.group(1)), home.toAbsolutePath(), m.group(1) + m.group(2))
                    : null;
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }
}
