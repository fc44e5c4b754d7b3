package dev.lanes.core.routing;

import dev.lanes.core.rules.WarmupSettings;

/**
 * Slow start: the weight, in percent, of an instance that started {@code uptime} ago, so that
 * a fresh instance (cold caches, JIT not warm) takes a growing share of traffic.
 */
public final class WarmupWeight {

    /** The weight of an instance that is warm, or whose start is unknown. */
    public static final int FULL = 100;

    private WarmupWeight() {
    }

    /**
     * {@code max(minWeightPercent, 100 * (uptime / window)^(1 / curve))}, rounded, while the
     * instance is inside its window; 100 after it, when warm-up is off, or when the start time
     * is unknown (-1) or in the future (clock skew between hosts must not starve an instance).
     * Never below 1, so that no instance is starved and a sum of weights is never zero.
     */
    public static int percent(WarmupSettings settings, long startMillis, long nowMillis) {
        if (settings == null || !settings.enabled() || startMillis < 0 || startMillis > nowMillis) {
            return FULL;
        }
        long window = settings.windowMillis();
        long uptime = nowMillis - startMillis;
        if (window <= 0 || uptime >= window) {
            return FULL;
        }
        double curve = settings.curve();
        // The validator rejects a non-positive curve; a linear ramp is the harmless reading of one.
        if (!(curve > 0) || Double.isInfinite(curve)) {
            curve = 1.0;
        }
        double ratio = (double) uptime / (double) window;
        // The usual curves avoid Math.pow, which costs tens of ns per warming instance and call.
        double shaped = curve == 1.0 ? ratio : curve == 2.0 ? Math.sqrt(ratio) : Math.pow(ratio, 1.0 / curve);
        long weight = Math.round(100.0 * shaped);
        int min = settings.minWeightPercent();
        if (weight < min) {
            weight = min;
        }
        if (weight < 1) {
            weight = 1;
        } else if (weight > FULL) {
            weight = FULL;
        }
        return (int) weight;
    }
}
