package dev.lanes.demo.runner;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A child JVM whose output goes to a log file. Every child is known to one JVM shutdown
 * hook, so that nothing a test or the demo started outlives it, even on a crash; the hook
 * stops services before infrastructure (ZooKeeper), so that services can deregister.
 */
final class ChildProcess {

    private static final Set<ChildProcess> LIVE = ConcurrentHashMap.newKeySet();
    private static final Set<Runnable> CLEANUPS = ConcurrentHashMap.newKeySet();
    private static volatile boolean hookInstalled;

    private final String name;
    private final List<String> command;
    private final Path log;
    private final Process process;
    private final boolean infrastructure;

    private ChildProcess(String name, List<String> command, Path log, Process process, boolean infrastructure) {
        this.name = name;
        this.command = command;
        this.log = log;
        this.process = process;
        this.infrastructure = infrastructure;
    }

    /** @param infrastructure stopped by the shutdown hook only after every other child */
    static ChildProcess start(String name, List<String> command, Path log, boolean infrastructure)
            throws IOException {
        installHook();
        Files.createDirectories(log.toAbsolutePath().getParent());
        Files.writeString(log, "$ " + String.join(" ", command) + System.lineSeparator());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        // The tag of a child comes from its own command line, never from this JVM's environment.
        builder.environment().remove("LANES_TAG");
        ChildProcess child = new ChildProcess(name, List.copyOf(command), log, builder.start(), infrastructure);
        child.process.getOutputStream().close();
        LIVE.add(child);
        return child;
    }

    /** Runs when this JVM exits, unless {@link #forgetCleanup} was called first. */
    static void onExit(Runnable cleanup) {
        installHook();
        CLEANUPS.add(cleanup);
    }

    static void forgetCleanup(Runnable cleanup) {
        CLEANUPS.remove(cleanup);
    }

    String name() {
        return name;
    }

    List<String> command() {
        return command;
    }

    Path log() {
        return log;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Polls {@code answers} every {@code pollMillis} until it holds; throws with the log's tail
     * when the process exits first or the timeout passes.
     */
    void awaitAnswer(String what, BooleanSupplier answers, Duration timeout, long pollMillis) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!isAlive()) {
                throw new IllegalStateException(name + " exited with " + exitValueOrUnknown() + " before answering; log "
                        + log + ":\n" + logTail(60));
            }
            if (answers.getAsBoolean()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " did not answer on " + what + " within " + timeout + "; log "
                        + log + ":\n" + logTail(60));
            }
            ZooKeeperProcess.sleep(pollMillis);
        }
    }

    /** SIGTERM, and SIGKILL if the process is still there after the grace period. */
    void stop(long graceMillis) {
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(graceMillis, TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            LIVE.remove(this);
        }
    }

    /** SIGKILL at once: an instance that vanishes without deregistering. */
    void kill() {
        try {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            LIVE.remove(this);
        }
    }

    String logText() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            // A log with bytes that are not UTF-8 is still worth showing.
            try {
                return new String(Files.readAllBytes(log), StandardCharsets.ISO_8859_1);
            } catch (IOException again) {
                throw new UncheckedIOException(again);
            }
        }
    }

    String logTail(int lines) {
        String[] all = logText().split("\\R");
        int from = Math.max(0, all.length - lines);
        return String.join(System.lineSeparator(), Arrays.asList(all).subList(from, all.length));
    }

    void dumpLog(PrintStream out) {
        out.println("===== " + name + " (pid " + process.pid() + ", " + (isAlive() ? "running" : "exited "
                + exitValueOrUnknown()) + ") log " + log.toAbsolutePath() + " =====");
        out.println(logText());
        out.println("===== end of " + name + " =====");
    }

    String exitValueOrUnknown() {
        try {
            return String.valueOf(process.exitValue());
        } catch (IllegalThreadStateException e) {
            return "?";
        }
    }

    private static synchronized void installHook() {
        if (hookInstalled) {
            return;
        }
        hookInstalled = true;
        Runtime.getRuntime().addShutdownHook(new Thread(ChildProcess::stopEverything, "lanes-demo-reaper"));
    }

    private static void stopEverything() {
        stopAll(false, 30);
        stopAll(true, 10);
        for (Runnable cleanup : CLEANUPS) {
            try {
                cleanup.run();
            } catch (RuntimeException e) {
                System.err.println("lanes-demo: cleanup failed: " + e);
            }
        }
    }

    private static void stopAll(boolean infrastructureTier, int graceSeconds) {
        List<ChildProcess> tier = new ArrayList<>();
        for (ChildProcess child : LIVE) {
            if (child.infrastructure == infrastructureTier) {
                tier.add(child);
                child.process.destroy();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(graceSeconds);
        for (ChildProcess child : tier) {
            try {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !child.process.waitFor(left, TimeUnit.NANOSECONDS)) {
                    child.process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                child.process.destroyForcibly();
            }
        }
    }
}
