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
 * The lines the demo app is built for; each is one module whose executable jar is
 * {@code demo-services/demo-app-<id>/target/demo-app.jar}. The Spring lines carry Spring Cloud
 * only; the Dubbo lines also carry Apache Dubbo, on one of the Spring lines.
 */
public enum DemoLine {
    BOOT27("boot27", "Spring Boot 2.7.18, Spring Cloud 2021.0.9", null, List.of()),
    BOOT33("boot33", "Spring Boot 3.3.13, Spring Cloud 2023.0.6", null, List.of()),
    BOOT35("boot35", "Spring Boot 3.5.7, Spring Cloud 2025.0.0", null, List.of()),
    BOOT40("boot40", "Spring Boot 4.0.7, Spring Cloud 2025.1.4", null, List.of()),
    /** Dubbo 2.7 generates classes with javassist through reflection that JDK 16+ closes by default. */
    DUBBO27("dubbo27", "Apache Dubbo 2.7.23 on Spring Boot 2.7.18, Spring Cloud 2021.0.9", "2.7.23",
            List.of("--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.math=ALL-UNNAMED",
                    "--add-opens=java.base/java.util=ALL-UNNAMED")),
    DUBBO31("dubbo31", "Apache Dubbo 3.1.11 on Spring Boot 2.7.18, Spring Cloud 2021.0.9", "3.1.11", List.of()),
    DUBBO32("dubbo32", "Apache Dubbo 3.2.19 on Spring Boot 3.3.13, Spring Cloud 2023.0.6", "3.2.19", List.of()),
    DUBBO33("dubbo33", "Apache Dubbo 3.3.6 on Spring Boot 3.5.7, Spring Cloud 2025.0.0", "3.3.6", List.of());

    /** The line the demo uses unless told otherwise: a Dubbo line, so that the demo shows both protocols. */
    public static final DemoLine DEFAULT = DUBBO33;

    /** Overrides where the repository is found (the folder that holds demo-services/). */
    public static final String ROOT_PROPERTY = "lanes.demo.root";

    private final String id;
    private final String description;
    private final String dubboVersion;
    private final List<String> jvmArgs;

    DemoLine(String id, String description, String dubboVersion, List<String> jvmArgs) {
        this.id = id;
        this.description = description;
        this.dubboVersion = dubboVersion;
        this.jvmArgs = jvmArgs;
    }

    /** The Apache Dubbo version the line's jar carries, or null for a Spring-only line. */
    public String dubboVersion() {
        return dubboVersion;
    }

    public boolean hasDubbo() {
        return dubboVersion != null;
    }

    /** JVM arguments every instance of the line needs. */
    public List<String> jvmArgs() {
        return jvmArgs;
    }

    /** The Spring-only lines. */
    public static List<DemoLine> springLines() {
        List<DemoLine> lines = new ArrayList<>();
        for (DemoLine line : values()) {
            if (!line.hasDubbo()) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** The Dubbo lines. */
    public static List<DemoLine> dubboLines() {
        List<DemoLine> lines = new ArrayList<>();
        for (DemoLine line : values()) {
            if (line.hasDubbo()) {
                lines.add(line);
            }
        }
        return lines;
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
     * The module of demo-services/gateway-app that goes with this line: {@code boot27} (Spring Cloud
     * Gateway 3.1.9, Boot 2.7) for the Boot 2.7 lines, {@code boot35} (Gateway 4.3.0) for the others.
     */
    public String gatewayModule() {
        return this == BOOT27 || this == DUBBO27 || this == DUBBO31 ? "boot27" : "boot35";
    }

    /** The built gateway jar of {@link #gatewayModule()}; it may not exist (see {@link Files#isRegularFile}). */
    public Path gatewayJar() {
        return repositoryRoot().resolve("demo-services").resolve("gateway-app").resolve(gatewayModule())
                .resolve("target").resolve("gateway-app.jar");
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
