package dev.lanes.demo.runner.bench;

import java.util.List;

/**
 * One printed figure of an arm. The label starts its row in every table, so that a reader (or
 * the CI test) finds each figure by it; {@code difference} says whether the summary shows
 * agent minus bare next to the ratio (start-up and memory, where the absolute cost matters).
 */
public enum Figure {
    START_A("start A: JVM start to ready (s)", "%.2f", true, false),
    START_B("start B: JVM start to ready (s)", "%.2f", true, false),
    START_C("start C: JVM start to ready (s)", "%.2f", true, false),
    START_CPU("CPU s to ready, A+B+C (start-up work)", "%.2f", true, false),
    AGENT_START_A("agent start A (ms)", "%.0f", false, true),
    AGENT_START_B("agent start B (ms)", "%.0f", false, true),
    AGENT_START_C("agent start C (ms)", "%.0f", false, true),
    THROUGHPUT("saturated throughput (req/s)", "%.1f", false, false),
    SATURATED_FAILED("saturated: failed requests", "%.0f", false, false),
    RATE("fixed rate (req/s)", "%.1f", false, false),
    P50("latency p50 (ms)", "%.2f", false, false),
    P99("latency p99 (ms)", "%.2f", false, false),
    P999("latency p99.9 (ms)", "%.2f", false, false),
    SENT("fixed rate: requests sent", "%.0f", false, false),
    FAILED("fixed rate: requests failed", "%.0f", false, false),
    UNSENT("fixed rate: requests unsent", "%.0f", false, false),
    CPU_PER_1K("CPU s per 1,000 requests (A+B+C)", "%.3f", true, false),
    HEAP_A("heap live after full GC A (MB)", "%.1f", true, false),
    HEAP_B("heap live after full GC B (MB)", "%.1f", true, false),
    HEAP_C("heap live after full GC C (MB)", "%.1f", true, false),
    HEAP_TOTAL("heap live after full GC A+B+C (MB)", "%.1f", true, false),
    METASPACE_A("metaspace used A (MB)", "%.1f", true, false),
    METASPACE_B("metaspace used B (MB)", "%.1f", true, false),
    METASPACE_C("metaspace used C (MB)", "%.1f", true, false),
    METASPACE_TOTAL("metaspace used A+B+C (MB)", "%.1f", true, false),
    RSS_A("RSS A (MB)", "%.1f", true, false),
    RSS_B("RSS B (MB)", "%.1f", true, false),
    RSS_C("RSS C (MB)", "%.1f", true, false),
    RSS_TOTAL("RSS A+B+C (MB)", "%.1f", true, false);

    static final List<Figure> START = List.of(START_A, START_B, START_C);
    static final List<Figure> AGENT_START = List.of(AGENT_START_A, AGENT_START_B, AGENT_START_C);
    static final List<Figure> HEAP = List.of(HEAP_A, HEAP_B, HEAP_C);
    static final List<Figure> METASPACE = List.of(METASPACE_A, METASPACE_B, METASPACE_C);
    static final List<Figure> RSS = List.of(RSS_A, RSS_B, RSS_C);

    private final String label;
    private final String format;
    private final boolean difference;
    private final boolean agentOnly;

    Figure(String label, String format, boolean difference, boolean agentOnly) {
        this.label = label;
        this.format = format;
        this.difference = difference;
        this.agentOnly = agentOnly;
    }

    /** The row's label, as printed (unique, never two spaces in a row). */
    public String label() {
        return label;
    }

    /** The value as printed; "-" for none (NaN). */
    String format(double value) {
        return Double.isNaN(value) ? "-" : String.format(java.util.Locale.ROOT, format, value);
    }

    boolean difference() {
        return difference;
    }

    /** Only an arm with the agent has it; "-" elsewhere. */
    public boolean agentOnly() {
        return agentOnly;
    }
}
