package dev.lanes.core.rules;

/**
 * Slow start for new instances: over {@code windowMillis} after start an instance's weight
 * grows from {@code minWeightPercent} to 100 along {@code (uptime/window)^(1/curve)}.
 */
public final class WarmupSettings {

    /** No warm-up: every instance weighs the same. */
    public static final WarmupSettings OFF = new WarmupSettings(false, 120_000L, 1.0, 10);

    private final boolean enabled;
    private final long windowMillis;
    private final double curve;
    private final int minWeightPercent;

    public WarmupSettings(boolean enabled, long windowMillis, double curve, int minWeightPercent) {
        this.enabled = enabled;
        this.windowMillis = windowMillis;
        this.curve = curve;
        this.minWeightPercent = minWeightPercent;
    }

    public boolean enabled() {
        return enabled;
    }

    public long windowMillis() {
        return windowMillis;
    }

    public double curve() {
        return curve;
    }

    public int minWeightPercent() {
        return minWeightPercent;
    }
}
