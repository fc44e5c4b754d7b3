package dev.lanes.demo.runner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * How every instance of a topology is launched: which {@code java}, which demo jar, the agent
 * (null: none) with its arguments, and JVM arguments common to all instances.
 */
public record Launch(Path java, Path appJar, Path agentJar, String agentArgs, List<String> jvmArgs) {

    /**
     * Small heaps and the C1 compiler only: six JVMs share two cores here, and the demo's
     * traffic is too short for C2 to pay off. Replace with {@link #withJvmArgs} if needed.
     */
    public static final List<String> DEFAULT_JVM_ARGS =
            List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    public Launch {
        if (java == null || !Files.isExecutable(java)) {
            throw new IllegalArgumentException("java: '" + java + "' is not an executable; expected a java binary");
        }
        if (appJar == null || !Files.isRegularFile(appJar)) {
            throw new IllegalArgumentException("appJar: '" + appJar + "' is not a file; expected a demo-app.jar");
        }
        if (agentJar != null && !Files.isRegularFile(agentJar)) {
            throw new IllegalArgumentException("agentJar: '" + agentJar
                    + "' is not a file; expected the agent jar (build it with ./mvnw -B -DskipTests package)");
        }
        jvmArgs = List.copyOf(jvmArgs);
    }

    /** The given line's jar, run by this JVM's own java, without agent, with the JVM arguments the line needs. */
    public static Launch of(DemoLine line) {
        List<String> args = new ArrayList<>(DEFAULT_JVM_ARGS);
        args.addAll(line.jvmArgs());
        return new Launch(currentJava(), line.appJar(), null, null, args);
    }

    public Launch withJava(Path javaBinaryOrHome) {
        return new Launch(resolveJava(javaBinaryOrHome), appJar, agentJar, agentArgs, jvmArgs);
    }

    public Launch withAppJar(Path jar) {
        return new Launch(java, jar, agentJar, agentArgs, jvmArgs);
    }

    /** Attaches the agent as {@code -javaagent:<jar>[=<args>]}; args may be null. */
    public Launch withAgent(Path jar, String args) {
        return new Launch(java, appJar, jar.toAbsolutePath(), args, jvmArgs);
    }

    public Launch withoutAgent() {
        return new Launch(java, appJar, null, null, jvmArgs);
    }

    /** Replaces the common JVM arguments. */
    public Launch withJvmArgs(List<String> args) {
        return new Launch(java, appJar, agentJar, agentArgs, args);
    }

    /** Adds to the common JVM arguments. */
    public Launch plusJvmArgs(String... more) {
        List<String> all = new ArrayList<>(jvmArgs);
        all.addAll(List.of(more));
        return new Launch(java, appJar, agentJar, agentArgs, all);
    }

    public boolean hasAgent() {
        return agentJar != null;
    }

    public static Path currentJava() {
        return Paths.get(System.getProperty("java.home"), "bin", "java");
    }

    /** Accepts a java binary or a JDK home. */
    public static Path resolveJava(Path javaBinaryOrHome) {
        Path path = javaBinaryOrHome.toAbsolutePath();
        if (Files.isDirectory(path)) {
            path = path.resolve("bin").resolve("java");
        }
        if (!Files.isExecutable(path)) {
            throw new IllegalArgumentException("java: '" + javaBinaryOrHome
                    + "' is neither a java binary nor a JDK home with bin/java");
        }
        return path;
    }
}
