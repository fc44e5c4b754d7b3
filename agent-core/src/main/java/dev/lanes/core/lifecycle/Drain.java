package dev.lanes.core.lifecycle;

/**
 * When draining may stop: no request in flight and none arrived for {@code quietMillis}, or
 * the drain time is up. A step function of the time and the request counters, so that tests
 * drive it with their own clock; {@link LosslessLifecycle} polls it.
 */
final class Drain {

    private final long startMillis;
    private final long drainMillis;
    private final long quietMillis;
    private long lastArrivals;
    private long quietSinceMillis;
    private String endedBy;

    Drain(long startMillis, long drainMillis, long quietMillis, long arrivals) {
        this.startMillis = startMillis;
        this.drainMillis = drainMillis;
        this.quietMillis = quietMillis;
        this.lastArrivals = arrivals;
        this.quietSinceMillis = startMillis;
    }

    /** True once draining may stop; {@link #endedBy()} then says why. */
    boolean done(long nowMillis, int inFlight, long arrivals) {
        if (endedBy != null) {
            return true;
        }
        if (inFlight > 0 || arrivals != lastArrivals) {
            lastArrivals = arrivals;
            quietSinceMillis = nowMillis;
        } else if (nowMillis - quietSinceMillis >= quietMillis) {
            endedBy = "quiet";
            return true;
        }
        if (nowMillis - startMillis >= drainMillis) {
            endedBy = inFlight > 0 ? "drain time up with " + inFlight + " request(s) in flight" : "drain time up";
            return true;
        }
        return false;
    }

    /** {@code quiet}, or why the drain time ran out; null while draining. */
    String endedBy() {
        return endedBy;
    }

    long startMillis() {
        return startMillis;
    }
}
