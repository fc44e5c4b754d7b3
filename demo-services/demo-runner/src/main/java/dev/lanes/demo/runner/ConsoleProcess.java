package dev.lanes.demo.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live traffic console ({@code java -jar lanes-agent.jar console --rules SOURCE}) as a child
 * process, started as a user starts it; {@link #url()} is the address it printed.
 */
public final class ConsoleProcess implements AutoCloseable {

    private static final Pattern URL = Pattern.compile("Lanes console on (http://\\S+)");

    private final Process process;
    private final String url;

    private ConsoleProcess(Process process, String url) {
        this.process = process;
        this.url = url;
    }

    /** Starts it on a free loopback port and waits until it prints its address; its output goes to console.log. */
    public static ConsoleProcess start(Path java, Path agentJar, String rules, Path workDir, Duration timeout)
            throws IOException, InterruptedException {
        Path log = workDir.resolve("console.log");
        Process p = new ProcessBuilder(java.toString(), "-Xmx128m", "-jar", agentJar.toString(), "console",
                "--rules", rules, "--port", "0", "--interval", "1s")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = URL.matcher(Files.readString(log));
            if (m.find()) {
                return new ConsoleProcess(p, m.group(1));
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("the console exited with " + p.exitValue() + ": "
                        + Files.readString(log));
            }
            Thread.sleep(100);
        }
        p.destroyForcibly();
        throw new IllegalStateException("the console printed no address within " + timeout + ": "
                + Files.readString(log));
    }

    public String url() {
        return url;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
