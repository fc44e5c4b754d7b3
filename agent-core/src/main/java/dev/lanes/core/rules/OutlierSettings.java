package dev.lanes.core.rules;

/**
 * Outlier removal: an instance with {@code consecutiveErrors} failures in a row is ejected
 * for {@code baseEjectionMillis} times the number of its ejections so far; at most
 * {@code maxEjectionPercent} of a service's instances are out at once, and when fewer than
 * {@code panicThresholdPercent} would remain, ejection is ignored.
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

    public OutlierSettings(boolean enabled, int consecutiveErrors, long intervalMillis, long baseEjectionMillis,
                           int maxEjectionPercent, int panicThresholdPercent) {
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

    /** How often ejections are reviewed and expired ones returned. */
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
}
