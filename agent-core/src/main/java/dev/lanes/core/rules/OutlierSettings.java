package dev.lanes.core.rules;

/**
 * Outlier removal: an instance with {@code consecutiveErrors} failures in a row is ejected
 * for {@code baseEjectionMillis} times the number of its ejections so far; at most
 * {@code maxEjectionPercent} of a service's instances are out at once, and when fewer than
 * {@code panicThresholdPercent} would remain, ejection is ignored. With {@code failurePercent}
 * set, an instance that failed at least that share of its calls within an {@code interval}, and
 * was called at least {@code failureMinCalls} times in it, is ejected too.
 */
public final class OutlierSettings {

    /** No outlier removal. */
    public static final OutlierSettings OFF = new OutlierSettings(false, 5, 10_000L, 30_000L, 50, 50);

    private final boolean enabled;
    private final int consecutiveErrors;
    private final long intervalMillis;
    private final long baseEjectionMillis;
    private final int maxEjectionPercent;
    private final int panicThresholdPercent;
    private final int failurePercent;
    private final int failureMinCalls;

    /** The defaults of the failure percentage: off, and 20 calls when it is on. */
    public static final int DEFAULT_FAILURE_MIN_CALLS = 20;

    public OutlierSettings(boolean enabled, int consecutiveErrors, long intervalMillis, long baseEjectionMillis,
                           int maxEjectionPercent, int panicThresholdPercent) {
        this(enabled, consecutiveErrors, intervalMillis, baseEjectionMillis, maxEjectionPercent, panicThresholdPercent,
                0, DEFAULT_FAILURE_MIN_CALLS);
    }

    /**
     * @param failurePercent  the share of failed calls in an interval that ejects (1-100); 0: off
     * @param failureMinCalls the calls an instance must have had in the interval for its share to count
     */
    public OutlierSettings(boolean enabled, int consecutiveErrors, long intervalMillis, long baseEjectionMillis,
                           int maxEjectionPercent, int panicThresholdPercent, int failurePercent,
                           int failureMinCalls) {
        this.failurePercent = failurePercent;
        this.failureMinCalls = Math.max(1, failureMinCalls);
        this.enabled = enabled;
        this.consecutiveErrors = consecutiveErrors;
        this.intervalMillis = intervalMillis;
        this.baseEjectionMillis = baseEjectionMillis;
        this.maxEjectionPercent = maxEjectionPercent;
        this.panicThresholdPercent = panicThresholdPercent;
    }

    public boolean enabled() {
        return enabled;
    }

    public int consecutiveErrors() {
        return consecutiveErrors;
    }

    /**
     * How often ejections are reviewed (an ejection count goes down by one per interval an
     * instance stays in), and the window of the failure percentage.
     */
    public long intervalMillis() {
        return intervalMillis;
    }

    public long baseEjectionMillis() {
        return baseEjectionMillis;
    }

    public int maxEjectionPercent() {
        return maxEjectionPercent;
    }

    public int panicThresholdPercent() {
        return panicThresholdPercent;
    }

    /** The share of failed calls within an interval that ejects an instance, in percent; 0: off. */
    public int failurePercent() {
        return failurePercent;
    }

    /** The calls an instance must have had within the interval for its failure percentage to count. */
    public int failureMinCalls() {
        return failureMinCalls;
    }
}
