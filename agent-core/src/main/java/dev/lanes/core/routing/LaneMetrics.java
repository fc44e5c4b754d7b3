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
 * Routing counters per lane (a tag, or "base" for untagged traffic), and per called service and
 * lane, for the admin endpoint and its Prometheus page. Counting is a map lookup or two and a
 * {@link LongAdder} increment: no allocation once the counters exist. Tags and service names
 * arrive from outside, so both are bounded, and what is beyond a bound is counted as "other".
 */
public final class LaneMetrics {

    /** The lane name of untagged traffic. A tag literally named "base" shares its counters. */
    public static final String BASE = "base";
    /** Where lanes beyond the bound are counted. */
    public static final String OTHER = "other";
    /** The default bound on distinct lanes. */
    public static final int DEFAULT_MAX_LANES = 256;
    /** The default bound on distinct called services counted by name. */
    public static final int DEFAULT_MAX_SERVICES = 256;

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

        /** The value of the {@code outcome} label on the Prometheus page. */
        public String metricName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** How an inbound request's lane was decided. */
    public enum Dyeing {
        /** The request carried its tag (header, attachment or baggage). */
        CARRIED("carried"),
        /** A lane's ingress rule dyed it. */
        RULE("rule"),
        /** This instance's own tag dyed it (node dyeing). */
        NODE("node"),
        /** No tag: base traffic. */
        NONE("none");

        private final String key;

        Dyeing(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    private static final Kind[] KINDS = Kind.values();
    private static final Dyeing[] DYEINGS = Dyeing.values();
    /** Per lane: the kinds, then the inbound requests by dyeing. */
    private static final int SLOTS = KINDS.length + DYEINGS.length;

    private final ConcurrentMap<String, LongAdder[]> byLane = new ConcurrentHashMap<String, LongAdder[]>();
    private final ConcurrentMap<String, ConcurrentMap<String, LongAdder[]>> byService =
            new ConcurrentHashMap<String, ConcurrentMap<String, LongAdder[]>>();
    private final AtomicInteger lanes = new AtomicInteger();
    private final int maxLanes;
    private final int maxServices;

    public LaneMetrics() {
        this(DEFAULT_MAX_LANES, DEFAULT_MAX_SERVICES);
    }

    /** @param maxLanes distinct lanes counted by name; further lanes are counted as "other" */
    public LaneMetrics(int maxLanes) {
        this(maxLanes, DEFAULT_MAX_SERVICES);
    }

    /**
     * @param maxLanes    distinct lanes counted by name; further lanes are counted as "other"
     * @param maxServices distinct called services counted by name; further ones as "other"
     */
    public LaneMetrics(int maxLanes, int maxServices) {
        if (maxLanes < 1) {
            throw new IllegalArgumentException("maxLanes is " + maxLanes + "; expected at least 1");
        }
        if (maxServices < 1) {
            throw new IllegalArgumentException("maxServices is " + maxServices + "; expected at least 1");
        }
        this.maxLanes = maxLanes;
        this.maxServices = maxServices;
    }

    /** Adds one to {@code kind} of {@code lane}; a null lane is "base". */
    public void increment(String lane, Kind kind) {
        counters(lane)[kind.ordinal()].increment();
    }

    /** Counts an inbound request of {@code lane} (null: base), and how its lane was decided. */
    public void inbound(String lane, Dyeing dyeing) {
        LongAdder[] counters = counters(lane);
        counters[Kind.INBOUND.ordinal()].increment();
        counters[KINDS.length + dyeing.ordinal()].increment();
    }

    /** Adds one to {@code kind} of {@code lane}, in total and for calls to {@code service}. */
    public void outbound(String service, String lane, Kind kind) {
        LongAdder[] counters = counters(lane);
        counters[kind.ordinal()].increment();
        String name = lane == null ? BASE : lane;
        // A lane past the bound was counted as "other": count it so for the service too.
        serviceCounters(service, counters == byLane.get(name) ? name : OTHER)[kind.ordinal()].increment();
    }

    /** Calls to {@code service} in {@code lane} of one kind, 0 when never counted. */
    public long count(String service, String lane, Kind kind) {
        ConcurrentMap<String, LongAdder[]> lanesOf = byService.get(service == null ? OTHER : service);
        LongAdder[] counters = lanesOf == null ? null : lanesOf.get(lane == null ? BASE : lane);
        return counters == null ? 0L : counters[kind.ordinal()].sum();
    }

    /** Inbound requests of {@code lane} decided by {@code dyeing}, 0 when never counted. */
    public long count(String lane, Dyeing dyeing) {
        LongAdder[] counters = byLane.get(lane == null ? BASE : lane);
        return counters == null ? 0L : counters[KINDS.length + dyeing.ordinal()].sum();
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

    /**
     * Every counter for the Prometheus page: per lane, the inbound requests by dyeing; per
     * service and lane, each outbound kind. Sorted by name; only counters that have counted.
     */
    public void writePrometheus(StringBuilder out) {
        Map<String, LongAdder[]> lanesSorted = new TreeMap<String, LongAdder[]>(byLane);
        out.append("# HELP lanes_inbound_requests_total Requests that entered this instance, by lane and by how "
                + "the lane was decided (carried, rule, node, none).\n");
        out.append("# TYPE lanes_inbound_requests_total counter\n");
        for (Map.Entry<String, LongAdder[]> e : lanesSorted.entrySet()) {
            for (Dyeing d : DYEINGS) {
                long v = e.getValue()[KINDS.length + d.ordinal()].sum();
                if (v > 0) {
                    out.append("lanes_inbound_requests_total{lane=\"").append(label(e.getKey()))
                            .append("\",dyed_by=\"").append(d.key()).append("\"} ").append(v).append('\n');
                }
            }
        }
        out.append("# HELP lanes_outbound_calls_total Outbound calls routed by the engine, by called service, lane "
                + "and outcome (routed, fallback_base, fallback_any, strict_failure, dry_run_difference).\n");
        out.append("# TYPE lanes_outbound_calls_total counter\n");
        Map<String, ConcurrentMap<String, LongAdder[]>> services =
                new TreeMap<String, ConcurrentMap<String, LongAdder[]>>(byService);
        for (Map.Entry<String, ConcurrentMap<String, LongAdder[]>> s : services.entrySet()) {
            for (Map.Entry<String, LongAdder[]> e : new TreeMap<String, LongAdder[]>(s.getValue()).entrySet()) {
                for (Kind k : KINDS) {
                    long v = k == Kind.INBOUND ? 0L : e.getValue()[k.ordinal()].sum();
                    if (v > 0) {
                        out.append("lanes_outbound_calls_total{service=\"").append(label(s.getKey()))
                                .append("\",lane=\"").append(label(e.getKey()))
                                .append("\",outcome=\"").append(k.metricName()).append("\"} ").append(v)
                                .append('\n');
                    }
                }
            }
        }
    }

    /** A label value as the Prometheus text format wants it: backslash, quote and newline escaped. */
    public static String label(String value) {
        StringBuilder sb = null;
        for (int i = 0, n = value.length(); i < n; i++) {
            char c = value.charAt(i);
            if (c == '\\' || c == '"' || c == '\n') {
                if (sb == null) {
                    sb = new StringBuilder(value.length() + 8).append(value, 0, i);
                }
                sb.append('\\').append(c == '\n' ? 'n' : c);
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? value : sb.toString();
    }

    private LongAdder[] serviceCounters(String service, String lane) {
        String name = service == null ? OTHER : service;
        ConcurrentMap<String, LongAdder[]> lanesOf = byService.get(name);
        if (lanesOf == null) {
            if (byService.size() >= maxServices && !OTHER.equals(name)) {
                return serviceCounters(OTHER, lane);
            }
            ConcurrentMap<String, LongAdder[]> fresh = new ConcurrentHashMap<String, LongAdder[]>();
            lanesOf = byService.putIfAbsent(name, fresh);
            if (lanesOf == null) {
                lanesOf = fresh;
            }
        }
        String laneName = lane == null ? BASE : lane;
        LongAdder[] counters = lanesOf.get(laneName);
        if (counters == null) {
            // Lanes here are those byLane admitted (or "other"), so they are bounded already.
            LongAdder[] fresh = adders();
            counters = lanesOf.putIfAbsent(laneName, fresh);
            if (counters == null) {
                counters = fresh;
            }
        }
        return counters;
    }

    private static LongAdder[] adders() {
        LongAdder[] fresh = new LongAdder[SLOTS];
        for (int i = 0; i < fresh.length; i++) {
            fresh[i] = new LongAdder();
        }
        return fresh;
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
        LongAdder[] fresh = adders();
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
