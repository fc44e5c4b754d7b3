package dev.lanes.rules.center;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Change-to-effect times of a test, printed as percentiles (timings are reported, never asserted). */
public final class Latencies {

    private final String name;
    private final List<Long> micros = new ArrayList<>();

    public Latencies(String name) {
        this.name = name;
    }

    public synchronized void add(long nanos) {
        micros.add(nanos / 1000L);
    }

    public synchronized int count() {
        return micros.size();
    }

    /** The p-th percentile in milliseconds (nearest rank). */
    public synchronized double percentileMillis(double p) {
        List<Long> sorted = new ArrayList<>(micros);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1))) / 1000.0;
    }

    /** Prints "LATENCY name: n=50 p50=1.2 ms p99=4.5 ms max=5.0 ms". */
    public synchronized String report() {
        String line = String.format(java.util.Locale.ROOT, "LATENCY %s: n=%d p50=%.1f ms p99=%.1f ms max=%.1f ms",
                name, micros.size(), percentileMillis(50), percentileMillis(99), percentileMillis(100));
        System.out.println(line);
        return line;
    }
}
