package dev.lanes.scenarios.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import dev.lanes.demo.runner.DemoLine;
import dev.lanes.scenarios.TestOutput;
import dev.lanes.demo.runner.bench.Figure;
import dev.lanes.demo.runner.bench.FootprintBench;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The footprint benchmark's short version: one round of both arms with phases of a few
 * seconds. It checks that the benchmark runs, prints every figure for both arms and stops
 * every process it started; never what the figures are (timings belong in the benchmark).
 */
class FootprintBenchIT {

    @Test
    @Timeout(600)
    @DisplayName("one short round, agent and bare: every figure printed and parseable, every process stopped")
    void shortRound() throws IOException {
        Path agent = agentJar();
        Path workDir = Paths.get("target", "footprint-bench-it").toAbsolutePath();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new TestOutput.Tee(captured, System.out), true, StandardCharsets.UTF_8);
        String[] args = {"--rounds", "1", "--agent", agent.toString(), "--warmup", "2", "--duration", "3",
                "--rate-duration", "3", "--connections", "8", "--workers", "16", "--quiet-idle", "0",
                "--start-timeout", "120", "--work-dir", workDir.toString()};
        int exit = FootprintBench.run(args, out);
        String output = captured.toString(StandardCharsets.UTF_8);
        try {
            assertEquals(0, exit, "exit code of the benchmark");
            assertTrue(ProcessHandle.current().descendants().noneMatch(ProcessHandle::isAlive),
                    "processes left running: " + ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                            .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList());
            checkTable(output, "== round 1 of 1 ", 2);
            checkTable(output, "== median over 1 round(s) ==", 4);
        } catch (AssertionError e) {
            System.err.println("FootprintBenchIT failed; the logs of every process follow");
            TestOutput.printLogs(workDir);
            throw e;
        }
    }

    /**
     * Under the heading, a header line and one row per figure: the agent column a number, the
     * bare column a number too except for the agent's own figures, then more
     * columns in the summary (ratio and difference, numbers or "-"), {@code columns} in all.
     */
    private static void checkTable(String output, String heading, int columns) {
        List<String> lines = output.lines().toList();
        int at = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(heading)) {
                at = i;
            }
        }
        assertTrue(at >= 0, "no table headed '" + heading + "' in the output");
        String header = lines.get(at + 1);
        assertTrue(header.startsWith("figure") && header.contains("agent") && header.contains("bare"),
                "header of '" + heading + "': " + header);
        List<String> rows = lines.subList(at + 2, Math.min(lines.size(), at + 2 + Figure.values().length));
        for (int f = 0; f < Figure.values().length; f++) {
            Figure figure = Figure.values()[f];
            String row = f < rows.size() ? rows.get(f) : "";
            assertTrue(row.startsWith(figure.label() + " "), "row " + f + " of '" + heading + "' should be '"
                    + figure.label() + "': " + row);
            String[] cells = row.substring(figure.label().length()).trim().split("\\s+");
            assertEquals(columns, cells.length, "cells of '" + figure.label() + "' in '" + heading + "': " + row);
            number(cells[0], figure, "agent", heading);
            if (figure.agentOnly()) {
                assertEquals("-", cells[1], "bare has no " + figure.label());
            } else {
                number(cells[1], figure, "bare", heading);
            }
            for (int c = 2; c < columns; c++) {
                if (!cells[c].equals("-")) {
                    number(cells[c], figure, "column " + (c + 1), heading);
                }
            }
        }
    }

    private static void number(String cell, Figure figure, String column, String heading) {
        try {
            double value = Double.parseDouble(cell);
            assertTrue(!Double.isNaN(value) && !Double.isInfinite(value), cell);
        } catch (NumberFormatException e) {
            fail("'" + figure.label() + "' of " + column + " in '" + heading + "' is '" + cell + "'; expected a number");
        }
    }

    private static Path agentJar() {
        String configured = System.getProperty("lanes.agent.jar");
        Path jar = configured != null ? Paths.get(configured)
                : DemoLine.repositoryRoot().resolve("distribution").resolve("target").resolve("lanes-agent.jar");
        assertTrue(Files.isRegularFile(jar), "agent jar not found at " + jar.toAbsolutePath()
                + "; build it with ./mvnw -B -DskipTests package");
        return jar.toAbsolutePath();
    }
}
