package dev.lanes.demo.runner;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Spring lines the demo app is built for; each is one module whose executable jar is
 * {@code demo-services/demo-app-<id>/target/demo-app.jar}.
 */
public enum DemoLine {
    BOOT27("boot27", "Spring Boot 2.7.18, Spring Cloud 2021.0.9"),
    BOOT33("boot33", "Spring Boot 3.3.13, Spring Cloud 2023.0.6"),
    BOOT35("boot35", "Spring Boot 3.5.7, Spring Cloud 2025.0.0"),
    BOOT40("boot40", "Spring Boot 4.0.7, Spring Cloud 2025.1.4");

    /** The line the demo and the runner's own test use unless told otherwise. */
    public static final DemoLine DEFAULT = BOOT35;

    /** Overrides where the repository is found (the folder that holds demo-services/). */
    public static final String ROOT_PROPERTY = "lanes.demo.root";

    private final String id;
    private final String description;

    DemoLine(String id, String description) {
        this.id = id;
        this.description = description;
    }

    public String id() {
        return id;
    }

    public String description() {
        return description;
    }

    public String module() {
        return "demo-app-" + id;
    }

    /** Parses "boot35" (also "BOOT35"); the error lists what is accepted. */
    public static DemoLine parse(String text) {
        for (DemoLine line : values()) {
            if (line.id.equals(text.trim().toLowerCase(Locale.ROOT))) {
                return line;
            }
        }
        List<String> ids = new ArrayList<>();
        for (DemoLine line : values()) {
            ids.add(line.id);
        }
        throw new IllegalArgumentException("line: '" + text + "' is not a demo line; expected one of " + ids);
    }

    /** The built jar of this line; the error says how to build it. */
    public Path appJar() {
        Path jar = repositoryRoot().resolve("demo-services").resolve(module()).resolve("target").resolve("demo-app.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("demo jar for " + id + " not found at " + jar
                    + "; build it with ./mvnw -B -DskipTests package");
        }
        return jar;
    }

    /**
     * The folder that holds demo-services/: from -Dlanes.demo.root, else the nearest parent
     * of the working directory or of the runner's own jar or classes that has one.
     */
    public static Path repositoryRoot() {
        String configured = System.getProperty(ROOT_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path root = Paths.get(configured).toAbsolutePath().normalize();
            if (!Files.isDirectory(root.resolve("demo-services"))) {
                throw new IllegalStateException(ROOT_PROPERTY + ": '" + configured
                        + "' holds no demo-services folder; expected the repository root");
            }
            return root;
        }
        List<Path> starts = new ArrayList<>();
        starts.add(Paths.get("").toAbsolutePath());
        Path self = ownLocation();
        if (self != null) {
            starts.add(self);
        }
        for (Path start : starts) {
            for (Path dir = start; dir != null; dir = dir.getParent()) {
                if (Files.isRegularFile(dir.resolve("demo-services").resolve("pom.xml"))) {
                    return dir;
                }
            }
        }
        throw new IllegalStateException("no demo-services folder above " + starts
                + "; run from the repository or set -D" + ROOT_PROPERTY + "=<repository root>");
    }

    private static Path ownLocation() {
        try {
            CodeSource source = DemoLine.class.getProtectionDomain().getCodeSource();
            return source == null ? null : Paths.get(source.getLocation().toURI()).toAbsolutePath();
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            return null;
        }
    }
}
