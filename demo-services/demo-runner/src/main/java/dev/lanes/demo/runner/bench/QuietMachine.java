package dev.lanes.demo.runner.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Waits until the machine is quiet: the share of idle CPU time, sampled from the first line of
 * {@code /proc/stat} over one second, reaches a threshold, for at most a bounded time. Another
 * build on a shared machine would otherwise land in one arm and not the other.
 */
final class QuietMachine {

    private static final Path PROC_STAT = Paths.get("/proc/stat");

    private QuietMachine() {
    }

    /** What a wait saw: the last idle share (NaN: not sampled), samples (-1: no wait asked), whether quiet. */
    record Wait(double idlePercent, int samples, boolean quiet, double seconds) {
        String describe() {
            if (Double.isNaN(idlePercent)) {
                return samples < 0 ? "not waiting (--quiet-idle 0)" : "no /proc/stat here; not waiting";
            }
            return String.format("CPU idle %.0f%% after %d sample(s) of 1 s, %.0f s", idlePercent, samples, seconds)
                    + (quiet ? "" : " (not quiet; going on)");
        }
    }

    /**
     * Samples until idle is at least {@code thresholdPercent} or {@code maxSeconds} passed;
     * a threshold of 0 does not wait.
     */
    static Wait await(double thresholdPercent, double maxSeconds) {
        long started = System.nanoTime();
        if (thresholdPercent <= 0) {
            return new Wait(Double.NaN, -1, true, 0);
        }
        if (!Files.isReadable(PROC_STAT)) {
            return new Wait(Double.NaN, 0, true, 0);
        }
        long deadline = started + (long) (maxSeconds * 1e9);
        int samples = 0;
        double idle;
        while (true) {
            idle = sampleIdlePercent(1000);
            samples++;
            if (idle >= thresholdPercent) {
                return new Wait(idle, samples, true, (System.nanoTime() - started) / 1e9);
            }
            if (System.nanoTime() > deadline) {
                return new Wait(idle, samples, false, (System.nanoTime() - started) / 1e9);
            }
        }
    }

    /** Idle (and I/O wait) share of all CPU time over {@code millis}, in percent. */
    static double sampleIdlePercent(long millis) {
        long[] before = read();
        Sleep.millis(millis);
        long[] after = read();
        long total = after[0] - before[0];
        long idle = after[1] - before[1];
        return total <= 0 ? 100 : 100.0 * idle / total;
    }

    /** {total, idle + iowait} in ticks, from the aggregate "cpu" line. */
    private static long[] read() {
        try {
            String first = Files.readAllLines(PROC_STAT).get(0);
            String[] fields = first.trim().split("\\s+");
            long total = 0;
            // user nice system idle iowait irq softirq steal (guest time is already in user)
            for (int i = 1; i < fields.length && i <= 8; i++) {
                total += Long.parseLong(fields[i]);
            }
            long idle = Long.parseLong(fields[4]) + (fields.length > 5 ? Long.parseLong(fields[5]) : 0);
            return new long[] {total, idle};
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read " + PROC_STAT + ": " + e, e);
        }
    }
}
