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
    /**
     * The bound on distinct (service, lane, instance tag) series of call results and durations;
     * calls beyond it are counted under service, lane and instance tag "other".
     */
    public static final int MAX_CALL_SERIES = 2_048;
    /** Upper bounds of the call duration histogram's buckets, in seconds (then +Inf). */
    static final double[] BUCKET_SECONDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    private static final long[] BUCKET_NANOS = new long[BUCKET_SECONDS.length];

    static {
        for (int i = 0; i < BUCKET_SECONDS.length; i++) {
            BUCKET_NANOS[i] = (long) (BUCKET_SECONDS[i] * 1e9);
        }
    }

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
    /** Call results and durations: service, then lane, then the called instance's tag. */
    private final ConcurrentMap<String, ConcurrentMap<String, ConcurrentMap<String, CallStats>>> calls =
            new ConcurrentHashMap<String, ConcurrentMap<String, ConcurrentMap<String, CallStats>>>();
    private final AtomicInteger callSeries = new AtomicInteger();
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
        String name = lane == null ? BASE : lane;
        LongAdder[] counters = byLane.get(name);
        if (counters == null) {
            counters = create(name);
            if (counters != byLane.get(name)) {
                // A lane past the bound is counted as "other": so it is for the service too.
                name = OTHER;
            }
        }
        counters[kind.ordinal()].increment();
        serviceCounters(service, name)[kind.ordinal()].increment();
    }

    /**
     * Counts one call that ended: its result and, when known ({@code nanos >= 0}), its duration.
     * Three map look-ups and two or three increments; nothing allocated once the series exists.
     *
     * @param lane        the hop's tag (null: base)
     * @param instanceTag the tag of the instance called (null: base)
     */
    public void call(String service, String lane, String instanceTag, boolean success, long nanos) {
        CallStats stats = callStats(service == null ? OTHER : service, lane == null ? BASE : lane,
                instanceTag == null ? BASE : instanceTag);
        (success ? stats.successes : stats.errors).increment();
        if (nanos >= 0) {
            int b = 0;
            while (b < BUCKET_NANOS.length && nanos > BUCKET_NANOS[b]) {
                b++;
            }
            stats.buckets[b].increment();
            stats.nanos.add(nanos);
        }
    }

    /** Calls counted for one series, successful or not; 0 when never counted. */
    public long calls(String service, String lane, String instanceTag, boolean success) {
        ConcurrentMap<String, ConcurrentMap<String, CallStats>> byLaneOf = calls.get(service);
        ConcurrentMap<String, CallStats> byTag = byLaneOf == null ? null : byLaneOf.get(lane == null ? BASE : lane);
        CallStats stats = byTag == null ? null : byTag.get(instanceTag == null ? BASE : instanceTag);
        return stats == null ? 0L : (success ? stats.successes : stats.errors).sum();
    }

    private CallStats callStats(String service, String lane, String instanceTag) {
        ConcurrentMap<String, ConcurrentMap<String, CallStats>> byLaneOf = calls.get(service);
        ConcurrentMap<String, CallStats> byTag = byLaneOf == null ? null : byLaneOf.get(lane);
        CallStats stats = byTag == null ? null : byTag.get(instanceTag);
        if (stats != null) {
            return stats;
        }
        boolean overflow = OTHER.equals(service) && OTHER.equals(lane) && OTHER.equals(instanceTag);
        if (!overflow && callSeries.incrementAndGet() > MAX_CALL_SERIES) {
            callSeries.decrementAndGet();
            return callStats(OTHER, OTHER, OTHER);
        }
        if (byLaneOf == null) {
            ConcurrentMap<String, ConcurrentMap<String, CallStats>> fresh =
                    new ConcurrentHashMap<String, ConcurrentMap<String, CallStats>>();
            byLaneOf = calls.putIfAbsent(service, fresh);
            if (byLaneOf == null) {
                byLaneOf = fresh;
            }
        }
        if (byTag == null) {
            ConcurrentMap<String, CallStats> fresh = new ConcurrentHashMap<String, CallStats>();
            byTag = byLaneOf.putIfAbsent(lane, fresh);
            if (byTag == null) {
                byTag = fresh;
            }
        }
        CallStats fresh = new CallStats();
        stats = byTag.putIfAbsent(instanceTag, fresh);
        if (stats != null) {
            if (!overflow) {
                callSeries.decrementAndGet();
            }
            return stats;
        }
        return fresh;
    }

    /** One series of call results and durations. */
    private static final class CallStats {
        final LongAdder successes = new LongAdder();
        final LongAdder errors = new LongAdder();
        /** Per bucket (not cumulative), the last one +Inf. */
        final LongAdder[] buckets = new LongAdder[BUCKET_NANOS.length + 1];
        final LongAdder nanos = new LongAdder();

        CallStats() {
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = new LongAdder();
            }
        }
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
        writeCalls(out);
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

    private void writeCalls(StringBuilder out) {
        out.append("# HELP lanes_calls_total Calls that ended, by called service, lane, the called instance's tag and "
                + "result (error: a connection failure, timeout, 5xx or provider-side RpcException).\n");
        out.append("# TYPE lanes_calls_total counter\n");
        StringBuilder durations = new StringBuilder();
        durations.append("# HELP lanes_call_duration_seconds Duration of calls whose start the agent saw.\n");
        durations.append("# TYPE lanes_call_duration_seconds histogram\n");
        for (Map.Entry<String, ConcurrentMap<String, ConcurrentMap<String, CallStats>>> s
                : new TreeMap<String, ConcurrentMap<String, ConcurrentMap<String, CallStats>>>(calls).entrySet()) {
            for (Map.Entry<String, ConcurrentMap<String, CallStats>> l
                    : new TreeMap<String, ConcurrentMap<String, CallStats>>(s.getValue()).entrySet()) {
                for (Map.Entry<String, CallStats> t : new TreeMap<String, CallStats>(l.getValue()).entrySet()) {
                    String labels = "service=\"" + label(s.getKey()) + "\",lane=\"" + label(l.getKey())
                            + "\",instance_tag=\"" + label(t.getKey()) + "\"";
                    CallStats c = t.getValue();
                    out.append("lanes_calls_total{").append(labels).append(",result=\"success\"} ")
                            .append(c.successes.sum()).append('\n');
                    out.append("lanes_calls_total{").append(labels).append(",result=\"error\"} ")
                            .append(c.errors.sum()).append('\n');
                    long cumulative = 0;
                    for (int b = 0; b < c.buckets.length; b++) {
                        cumulative += c.buckets[b].sum();
                        durations.append("lanes_call_duration_seconds_bucket{").append(labels).append(",le=\"")
                                .append(b < BUCKET_SECONDS.length ? String.valueOf(BUCKET_SECONDS[b]) : "+Inf")
                                .append("\"} ").append(cumulative).append('\n');
                    }
                    durations.append("lanes_call_duration_seconds_sum{").append(labels).append("} ")
                            .append(c.nanos.sum() / 1e9).append('\n');
                    durations.append("lanes_call_duration_seconds_count{").append(labels).append("} ")
                            .append(cumulative).append('\n');
                }
            }
        }
        out.append(durations);
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
