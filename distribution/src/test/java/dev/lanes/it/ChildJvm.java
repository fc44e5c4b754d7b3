package dev.lanes.it;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real JVM started for a test, with or without the agent, its output in a log file. It
 * waits for the application's "READY <port>" line; {@link #close()} stops it.
 */
final class ChildJvm implements AutoCloseable {

    private static final Pattern READY = Pattern.compile("READY (\\d+)");

    private final Process process;
    private final Path log;
    private final String description;
    private int port = -1;

    private ChildJvm(Process process, Path log, String description) {
        this.process = process;
        this.log = log;
        this.description = description;
    }

    static Path agentJar() {
        return Path.of(System.getProperty("lanes.agent.jar", "target/lanes-agent.jar")).toAbsolutePath();
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Starts {@code mainClass} on {@code classPath} with the given JVM options. */
    static ChildJvm start(String name, List<String> jvmOptions, String classPath, String mainClass) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass);
        Path log = Files.createTempFile("lanes-it-" + name + "-", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ChildJvm(p, log, name + ": " + String.join(" ", command));
    }

    /** Waits until the application says it serves; fails with the log if it dies or hangs. */
    ChildJvm awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = READY.matcher(log());
            if (m.find()) {
                port = Integer.parseInt(m.group(1));
                return this;
            }
            if (!process.isAlive()) {
                throw new AssertionError("process exited with " + process.exitValue() + " before it was ready\n"
                        + describe());
            }
            Thread.sleep(50);
        }
        throw new AssertionError("process not ready within " + timeout + "\n" + describe());
    }

    /** Waits until the log contains {@code text}; returns false at the deadline. */
    boolean awaitLog(String text, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (log().contains(text)) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    /** Waits until the process ends by itself; false at the deadline. */
    boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    long pid() {
        return process.pid();
    }

    int port() {
        return port;
    }

    String get(String path) throws Exception {
        return get(port, path).body();
    }

    static HttpResponse<String> get(int port, String path) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    String describe() {
        try {
            return "---- " + description + "\n" + log() + "\n----";
        } catch (IOException e) {
            return description + " (log unreadable: " + e + ")";
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        Files.deleteIfExists(log);
    }

    static String classPath(String... entries) {
        return String.join(File.pathSeparator, entries);
    }
}
