package dev.lanes.scenarios;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;

/**
 * What the scenario suite measured (requests per scenario, rule change latencies, start and
 * total times): printed, and appended to {@code -Dlanes.scenarios.report} (a file the first
 * line of each test JVM starts afresh). Measurements only: nothing here is asserted.
 */
final class ScenarioReport {

    private static boolean started;

    private ScenarioReport() {
    }

    static synchronized void line(String text) {
        System.out.println("[scenarios] " + text);
        String file = System.getProperty("lanes.scenarios.report");
        if (file == null || file.isBlank()) {
            return;
        }
        Path path = Paths.get(file);
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
            if (!started) {
                Files.writeString(path, "", StandardCharsets.UTF_8);
                started = true;
            }
            Files.writeString(path, text + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
