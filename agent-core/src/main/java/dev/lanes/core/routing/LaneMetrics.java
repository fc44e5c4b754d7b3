package dev.lanes.core.routing;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Routing counters per lane (a tag, or "base" for untagged traffic), for the admin endpoint.
 * Counting is a map lookup and a {@link LongAdder} increment: no allocation once a lane's
 * counters exist. Tags arrive from outside, so the number of lanes is bounded and any lane
 * beyond the bound is counted under "other".
 */
public final class LaneMetrics {

    /** The lane name of untagged traffic. A tag literally named "base" shares its counters. */
    public static final String BASE = "base";
    /** Where lanes beyond the bound are counted. */
    public static final String OTHER = "other";
    /** The default bound on distinct lanes. */
    public static final int DEFAULT_MAX_LANES = 256;

    /** What is counted. */
    public enum Kind {
        /** Requests that entered this instance in the lane. */
        INBOUND("inbound"),
        /** Outbound calls that went to instances of the lane (base instances for "base"). */
        ROUTED("routed"),
        /** Calls of a tagged lane that went to base instances: the service has none of the lane. */
        FALLBACK_BASE("fallbackToBase"),
        /** Calls that went to any instance: the service has neither the lane nor base instances. */
        FALLBACK_ANY("fallbackToAny"),
        /** Calls of a strict lane that failed (or in dry run would have failed). */
        STRICT_FAILURE("strictFailures"),
        /** Calls in dry run whose instance set would have been narrowed, or that would have failed. */
        DRY_RUN_DIFFERENCE("dryRunDifferences");

        private final String key;

        Kind(String key) {
            this.key = key;
        }

        /** The name of the counter in {@link #snapshot()}. */
        public String key() {
            return key;
        }
    }

    private static final Kind[] KINDS = Kind.values();

    private final ConcurrentMap<String, LongAdder[]> byLane = new ConcurrentHashMap<String, LongAdder[]>();
    private final AtomicInteger lanes = new AtomicInteger();
    private final int maxLanes;

    public LaneMetrics() {
        this(DEFAULT_MAX_LANES);
    }

    /** @param maxLanes distinct lanes counted by name; further lanes are counted as "other" */
    public LaneMetrics(int maxLanes) {
        if (maxLanes < 1) {
            throw new IllegalArgumentException("maxLanes is " + maxLanes + "; expected at least 1");
        }
        this.maxLanes = maxLanes;
    }

    /** Adds one to {@code kind} of {@code lane}; a null lane is "base". */
    public void increment(String lane, Kind kind) {
        counters(lane)[kind.ordinal()].increment();
    }

    /** The current value of one counter, 0 for a lane never counted. */
    public long count(String lane, Kind kind) {
        LongAdder[] counters = byLane.get(lane == null ? BASE : lane);
        return counters == null ? 0L : counters[kind.ordinal()].sum();
    }

    /** Every lane's counters by name, lanes sorted by name; a copy, safe to serialize. */
    public Map<String, Map<String, Long>> snapshot() {
        Map<String, Map<String, Long>> out = new TreeMap<String, Map<String, Long>>();
        for (Map.Entry<String, LongAdder[]> e : byLane.entrySet()) {
            Map<String, Long> values = new LinkedHashMap<String, Long>();
            for (Kind kind : KINDS) {
                values.put(kind.key(), e.getValue()[kind.ordinal()].sum());
            }
            out.put(e.getKey(), Collections.unmodifiableMap(values));
        }
        return Collections.unmodifiableMap(out);
    }

    private LongAdder[] counters(String lane) {
        String name = lane == null ? BASE : lane;
        LongAdder[] counters = byLane.get(name);
        if (counters != null) {
            return counters;
        }
        return create(name);
    }

    private LongAdder[] create(String name) {
        // "base" and "other" do not count against the bound, so they are always available.
        boolean reserved = BASE.equals(name) || OTHER.equals(name);
        if (!reserved) {
            if (lanes.incrementAndGet() > maxLanes) {
                lanes.decrementAndGet();
                return counters(OTHER);
            }
        }
        LongAdder[] fresh = new LongAdder[KINDS.length];
        for (int i = 0; i < fresh.length; i++) {
            fresh[i] = new LongAdder();
        }
        LongAdder[] raced = byLane.putIfAbsent(name, fresh);
        if (raced != null) {
            if (!reserved) {
                lanes.decrementAndGet();
            }
            return raced;
        }
        return fresh;
    }
}
