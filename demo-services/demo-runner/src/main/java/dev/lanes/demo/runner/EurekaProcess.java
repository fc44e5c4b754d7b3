package dev.lanes.demo.runner;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A Spring Cloud Netflix Eureka server ({@code demo-services/eureka-server}) in a child JVM
 * on 127.0.0.1 and a free port. Instances pointed at it run the demo app's {@code eureka}
 * profile, with intervals of a second so that a test sees registrations at once.
 */
public final class EurekaProcess implements Registry {

    private final ChildProcess child;
    private final int port;

    private EurekaProcess(ChildProcess child, int port) {
        this.child = child;
        this.port = port;
    }

    /** Starts the server with this JVM's java, its log in {@code workDir/eureka.log}, and waits until it answers. */
    public static EurekaProcess start(Path workDir) throws IOException {
        return start(workDir, Duration.ofSeconds(120));
    }

    public static EurekaProcess start(Path workDir, Duration timeout) throws IOException {
        Files.createDirectories(workDir);
        int port = Ports.free();
        List<String> command = new ArrayList<>();
        command.add(Launch.currentJava().toString());
        command.addAll(Launch.DEFAULT_JVM_ARGS);
        command.add("-jar");
        command.add(serverJar().toString());
        command.add("--server.port=" + port);
        command.add("--eureka.client.service-url.defaultZone=" + url(port));
        ChildProcess child = ChildProcess.start("eureka", command, workDir.resolve("eureka.log"), true);
        EurekaProcess eureka = new EurekaProcess(child, port);
        try {
            eureka.awaitAnswer(timeout);
        } catch (RuntimeException e) {
            eureka.close();
            throw e;
        }
        return eureka;
    }

    /** The built server jar; the error says how to build it. */
    public static Path serverJar() {
        Path jar = DemoLine.repositoryRoot().resolve("demo-services").resolve("eureka-server").resolve("target")
                .resolve("eureka-server.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("Eureka server jar not found at " + jar
                    + "; build it with ./mvnw -B -DskipTests package");
        }
        return jar;
    }

    @Override
    public Kind kind() {
        return Kind.EUREKA;
    }

    @Override
    public List<String> clientArgs(InstanceSpec spec, int instancePort) {
        return List.of(
                "--spring.profiles.active=eureka",
                "--eureka.client.service-url.defaultZone=" + address(),
                "--eureka.client.registry-fetch-interval-seconds=1",
                "--eureka.client.initial-instance-info-replication-interval-seconds=1",
                "--eureka.client.instance-info-replication-interval-seconds=1",
                "--eureka.instance.lease-renewal-interval-in-seconds=1",
                "--eureka.instance.lease-expiration-duration-in-seconds=5",
                "--eureka.instance.instance-id=" + spec.name() + ":" + instancePort);
    }

    @Override
    public String address() {
        return url(port);
    }

    public int port() {
        return port;
    }

    @Override
    public boolean isAlive() {
        return child.isAlive();
    }

    @Override
    public Path logFile() {
        return child.log();
    }

    @Override
    public void dumpLog(PrintStream out) {
        child.dumpLog(out);
    }

    @Override
    public void close() {
        child.stop(10_000);
    }

    private static String url(int port) {
        return "http://127.0.0.1:" + port + "/eureka/";
    }

    private void awaitAnswer(Duration timeout) {
        ChainClient http = new ChainClient(Duration.ofSeconds(5));
        child.awaitAnswer(address(), () -> http.getText(address() + "apps", Duration.ofSeconds(5)) != null,
                timeout, 200);
    }
}
