package dev.lanes.scenarios;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.lanes.demo.runner.ServiceProcess;
import dev.lanes.demo.runner.Topology;

/**
 * The rules file every instance of a topology watches ({@code -Dlanes.rules=file:...}). Each
 * write gives the document a new version and replaces the file atomically (write, then
 * rename), as editors and ConfigMap volumes do; the version lets a test see in each
 * instance's log when the instance applied it.
 */
final class RulesFile {

    private final Path path;
    private final String prefix;
    private int writes;

    RulesFile(Path path, String prefix) {
        this.path = path.toAbsolutePath();
        this.prefix = prefix;
    }

    Path path() {
        return path;
    }

    /** Writes {@code body} under a new version and returns that version. */
    String write(String body) throws IOException {
        String version = prefix + "-" + (++writes);
        String document = "version: \"" + version + "\"\n" + body;
        Path temp = Files.createTempFile(path.getParent(), ".rules-", ".tmp");
        Files.writeString(temp, document, StandardCharsets.UTF_8);
        Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return version;
    }

    /** Waits until every instance of the topology logged that it applied {@code version}. */
    void awaitApplied(Topology topology, String version, Duration timeout) {
        String line = "rules applied from file:";
        String marker = ": version " + version + ",";
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> waiting = new ArrayList<>();
            for (ServiceProcess instance : topology.instances()) {
                if (!applied(instance.logText(), line, marker)) {
                    waiting.add(instance.name());
                }
            }
            if (waiting.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("rules version " + version + " not applied by " + waiting + " after "
                        + timeout + " (file " + path + ")");
            }
            sleep(100);
        }
    }

    private static boolean applied(String log, String line, String marker) {
        for (int at = log.indexOf(line); at >= 0; at = log.indexOf(line, at + 1)) {
            int end = log.indexOf('\n', at);
            if (log.substring(at, end < 0 ? log.length() : end).contains(marker)) {
                return true;
            }
        }
        return false;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
