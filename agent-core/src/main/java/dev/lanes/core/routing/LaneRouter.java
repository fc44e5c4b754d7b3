package dev.lanes.core.routing;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.AgentLog;
import dev.lanes.bridge.CarriedHeaders;
import dev.lanes.bridge.InstanceView;
import dev.lanes.bridge.LaneUnavailableException;
import dev.lanes.bridge.RequestView;
import dev.lanes.bridge.Routing;
import dev.lanes.bridge.Tags;
import dev.lanes.bridge.TrafficContext;
import dev.lanes.core.rules.EntryTrust;
import dev.lanes.core.rules.Fallback;
import dev.lanes.core.rules.LaneRule;
import dev.lanes.core.rules.OutlierSettings;
import dev.lanes.core.rules.RouteRule;
import dev.lanes.core.rules.RuleSnapshot;
import dev.lanes.core.rules.WarmupSettings;
import dev.lanes.core.rules.WeightedTag;
import dev.lanes.core.trace.OpenTelemetryLane;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The routing engine: the semantics of DESIGN.md rows 1-7 and 9 over framework-free
 * candidates. {@link #choose} neither allocates nor locks in the steady state: it works on
 * candidates grouped once per list ({@link CandidateGroups}) and per-thread buffers, and reads
 * the rules through one volatile snapshot per call.
 */
public final class LaneRouter implements Routing {

    private static final String PLACE_INBOUND = "routing:inbound";
    private static final String PLACE_ELIGIBLE = "routing:eligible";
    private static final String PLACE_PICK = "routing:pickWeighted";
    private static final String PLACE_CHOOSE = "routing:choose";
    private static final String PLACE_RECORD = "routing:record";
    private static final String PLACE_ROUTES = "routing:hasRoutes";
    private static final String PLACE_AWAIT_RULES = "routing:awaitRules";
    /**
     * Draws of a pick among a cached group before an exact pass among its members left: with the
     * default panic threshold (half the group left at least) the first few draws all but always do.
     */
    private static final int MAX_REDRAWS = 16;

    private volatile String applicationName;
    /** The services this application provides by another name than its own (Dubbo interfaces). */
    private final java.util.Set<String> provided = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Set once a gateway's filter chain is built here: this application is an entry by its nature. */
    private volatile boolean gateway;
    private volatile Function<String, String> nameListener;
    private final String instanceTag;
    private final Supplier<RuleSnapshot> rules;
    private final LaneMetrics metrics;
    private final LongSupplier clock;
    private final OutlierDetector outliers;
    /** Where a request's lane is put on its OpenTelemetry span and baggage; null: nowhere (tools, tests). */
    private volatile OpenTelemetryLane openTelemetry;
    /** Candidates grouped by tag per service, so that {@link #choose} does not scan them per call. */
    private final CandidateGroups groups = new CandidateGroups();
    private final FirstSeen firstSeen = new FirstSeen();
    /** Instances already reported for a malformed tag. */
    private final MalformedTags malformed = new MalformedTags();
    private final ThreadLocal<Scratch> scratch = new ThreadLocal<Scratch>() {
        @Override
        protected Scratch initialValue() {
            return new Scratch();
        }
    };

    /**
     * @param applicationName this application's name, matched against ingress rules' services
     * @param instanceTag     this instance's tag (null for base); a malformed one is ignored with a warning
     * @param rules           the current rule snapshot, one volatile read
     * @param metrics         where routing outcomes are counted
     * @param clockMillis     epoch milliseconds, for warm-up and outlier ejection
     */
    public LaneRouter(String applicationName, String instanceTag, Supplier<RuleSnapshot> rules, LaneMetrics metrics,
                      LongSupplier clockMillis) {
        this.applicationName = applicationName;
        String valid = validInstanceTag(instanceTag);
        // A copy of its own, so that inbound() can tell node dyeing from an ingress rule's equal
        // tag by identity, without a second output on the hot path.
        this.instanceTag = valid == null ? null : new String(valid);
        this.rules = rules == null ? new Supplier<RuleSnapshot>() {
            @Override
            public RuleSnapshot get() {
                return RuleSnapshot.EMPTY;
            }
        } : rules;
        this.metrics = metrics == null ? new LaneMetrics() : metrics;
        this.clock = clockMillis == null ? new LongSupplier() {
            @Override
            public long getAsLong() {
                return System.currentTimeMillis();
            }
        } : clockMillis;
        this.outliers = new OutlierDetector(this.clock);
    }

    private static String validInstanceTag(String tag) {
        if (tag == null || MalformedTags.isBlank(tag)) {
            return null;
        }
        if (!Tags.isValid(tag)) {
            AgentLog.warn("ignoring malformed instance tag '" + AgentLog.abbreviate(tag, 80) + "' (expected 1-"
                    + Tags.MAX_LENGTH + " of [A-Za-z0-9._-], starting with a letter or digit); "
                    + "this instance runs as a base instance");
            return null;
        }
        return tag;
    }

    public LaneMetrics metrics() {
        return metrics;
    }

    /**
     * From now on, {@link #inbound} puts each tagged request's lane on the OpenTelemetry span
     * current at that moment (the server span, where OpenTelemetry is there).
     */
    public void openTelemetry(OpenTelemetryLane lane) {
        openTelemetry = lane;
    }

    /** Most instances listed as warming up on the Prometheus page. */
    static final int MAX_WARMING_LISTED = 1_024;

    /**
     * The engine's part of the Prometheus page: its counters, outlier ejections, and the
     * instances still warming up among those it last routed among.
     */
    public void writePrometheus(StringBuilder out) {
        metrics.writePrometheus(out);
        outliers.writePrometheus(out);
        writeWarming(out, snapshot().warmup(), clock.getAsLong());
    }

    /**
     * Every instance still warming up (weight below 100%) among those last grouped per service,
     * at most {@link #MAX_WARMING_LISTED} lines.
     */
    private void writeWarming(StringBuilder out, WarmupSettings warmup, long now) {
        out.append("# HELP lanes_instance_warmup_percent Warm-up weight of an instance still warming up, in "
                + "percent of a warm one, as this instance's calls weigh it.\n");
        out.append("# TYPE lanes_instance_warmup_percent gauge\n");
        if (!warmup.enabled()) {
            return;
        }
        int written = 0;
        for (Map.Entry<String, List<Object[]>> e : groups.lastInstances(Integer.MAX_VALUE).entrySet()) {
            for (Object[] r : e.getValue()) {
                int percent = WarmupWeight.percent(warmup, ((Long) r[2]).longValue(), now);
                if (percent >= 100) {
                    continue;
                }
                if (written++ >= MAX_WARMING_LISTED) {
                    return;
                }
                String address = (String) r[0];
                out.append("lanes_instance_warmup_percent{service=\"").append(LaneMetrics.label(e.getKey()))
                        .append("\",address=\"").append(LaneMetrics.label(address == null ? "" : address))
                        .append("\",tag=\"").append(LaneMetrics.label(r[1] == null ? LaneMetrics.BASE : (String) r[1]))
                        .append("\"} ").append(percent).append('\n');
            }
        }
    }

    /** Most instances listed under {@code calledServices} on {@code GET /lanes}. */
    static final int MAX_INSTANCES_LISTED = 1_024;

    /**
     * For {@code GET /lanes}: per called service, each instance this instance last routed calls
     * among, with its tag, warm-up weight (while warm-up is on), ejection and closing state.
     */
    public Map<String, Object> calledServices() {
        long now = clock.getAsLong();
        RuleSnapshot snapshot = snapshot();
        WarmupSettings warmup = snapshot.warmup();
        OutlierSettings outlier = snapshot.outlier();
        Map<String, Object> out = new LinkedHashMap<String, Object>();
        for (Map.Entry<String, List<Object[]>> e : groups.lastInstances(MAX_INSTANCES_LISTED).entrySet()) {
            OutlierDetector.ServiceState state = outliers.state(e.getKey());
            List<Map<String, Object>> rows = new ArrayList<Map<String, Object>>();
            for (Object[] r : e.getValue()) {
                String address = (String) r[0];
                long start = ((Long) r[2]).longValue();
                Map<String, Object> row = new LinkedHashMap<String, Object>();
                row.put("address", address);
                row.put("tag", r[1] == null ? LaneMetrics.BASE : r[1]);
                row.put("startedAt", start > 0L ? instant(start) : null);
                if (warmup.enabled()) {
                    row.put("warmupWeightPercent", WarmupWeight.percent(warmup, start, now));
                    row.put("warmupEndsAt", start > 0L ? instant(start + warmup.windowMillis()) : null);
                }
                OutlierDetector.AddressState a = state == null || address == null ? null : state.addresses.get(address);
                row.put("consecutiveErrors", a == null ? 0 : a.consecutiveErrors.get());
                row.put("ejectedUntil", a != null && outlier.enabled() && a.ejectedUntil > now
                        ? instant(a.ejectedUntil) : null);
                row.put("closingUntil", a != null && a.closingUntil > now ? instant(a.closingUntil) : null);
                rows.add(row);
            }
            out.put(e.getKey(), rows);
        }
        return out;
    }

    private static String instant(long epochMillis) {
        return java.time.Instant.ofEpochMilli(epochMillis).toString();
    }

    public OutlierDetector outlierDetector() {
        return outliers;
    }

    @Override
    public String instanceTag() {
        return instanceTag;
    }

    @Override
    public void applicationNameFound(String name) {
        String learnt;
        synchronized (this) {
            if (applicationName != null || name == null || name.trim().isEmpty()) {
                return;
            }
            learnt = name.trim();
            applicationName = learnt;
        }
        // Outside the lock: the listener reads and applies rules, which take the rule store's lock.
        String more = null;
        Function<String, String> listener = nameListener;
        if (listener != null) {
            try {
                more = listener.apply(learnt);
            } catch (Throwable t) {
                AgentFaults.report("rules:application-name", t);
            }
        }
        AgentLog.info("application name '" + learnt + "' learnt from the framework (set lanes.app to fix it)"
                + (more == null ? "" : "; " + more));
    }

    /** Most services listed under {@code provides} on {@code GET /lanes}. */
    static final int MAX_PROVIDED_LISTED = 256;

    @Override
    public void serviceProvided(String service) {
        if (service != null && !service.trim().isEmpty() && provided.size() < MAX_PROVIDED_LISTED) {
            provided.add(service.trim());
        }
    }

    /** For {@code GET /lanes}: the services {@link #serviceProvided} named, sorted. */
    public java.util.List<String> providedServices() {
        java.util.List<String> out = new ArrayList<String>(provided);
        java.util.Collections.sort(out);
        return out;
    }

    /**
     * Called once with the name {@link #applicationNameFound} learns, before its log line; what it
     * returns (or null) is added to that line. The rule source uses it to read the application's
     * own document from then on.
     */
    public void onApplicationNameFound(Function<String, String> listener) {
        nameListener = listener;
    }

    @Override
    public String applicationName() {
        return applicationName;
    }

    // ------------------------------------------------------------------------------------------
    // Inbound: rows 4 and 5, and ingress dyeing.

    @Override
    public String inbound(String carriedTag, RequestView request) {
        try {
            RuleSnapshot snapshot = snapshot();
            if (carriedTag != null && !trusted(snapshot, request)) {
                untrusted(carriedTag, request);
                carriedTag = null;
            }
            String tag = tagInbound(snapshot, carriedTag, request, null);
            // By identity: a carried tag is returned as given, this instance's tag is its own copy.
            LaneMetrics.Dyeing dyeing = tag == null ? LaneMetrics.Dyeing.NONE
                    : tag == carriedTag ? LaneMetrics.Dyeing.CARRIED
                    : tag == instanceTag ? LaneMetrics.Dyeing.NODE : LaneMetrics.Dyeing.RULE;
            metrics.inbound(tag, dyeing);
            OpenTelemetryLane traceLane = openTelemetry;
            if (tag != null && traceLane != null) {
                traceLane.laneDecided(tag, dyeing.key(), request);
            }
            return tag;
        } catch (Throwable t) {
            AgentFaults.report(PLACE_INBOUND, t);
            return carriedTag;
        }
    }

    /**
     * The inbound decision with its reasons, as {@link #inbound} takes it for a request with
     * these inputs (nothing is counted). A percentage without {@code stickyBy} is taken as not
     * drawn, so that the explanation is repeatable.
     */
    public InboundDecision explainInbound(String carriedTag, RequestView request) {
        List<String> why = new ArrayList<String>();
        RuleSnapshot snapshot = snapshot();
        if (carriedTag != null && !trusted(snapshot, request)) {
            why.add("this application is an entry and the request's source is not trusted (entry.trust): its tag "
                    + AgentLog.abbreviate(carriedTag, 80) + " is dropped, as if it carried none");
            carriedTag = null;
        }
        String tag = tagInbound(snapshot, carriedTag, request, why);
        InboundDecision.Source source = tag == null ? InboundDecision.Source.NONE
                : tag.equals(carriedTag) ? InboundDecision.Source.CARRIED
                : why.isEmpty() || !why.get(why.size() - 1).endsWith("dyed " + tag) ? InboundDecision.Source.INSTANCE
                : InboundDecision.Source.INGRESS;
        if (source == InboundDecision.Source.INSTANCE) {
            why.add("no ingress rule dyes it; this instance's tag " + tag + " does (node dyeing)");
        } else if (source == InboundDecision.Source.NONE) {
            why.add("no tag: the request stays in base");
        }
        return new InboundDecision(tag, source, why);
    }

    @Override
    public AutoCloseable laneInTraceBaggage(String tag) {
        OpenTelemetryLane traceLane = openTelemetry;
        return traceLane == null ? null : traceLane.laneInBaggage(tag);
    }

    @Override
    public Object laneInReactiveTraceBaggage(Object publisher, String tag) {
        OpenTelemetryLane traceLane = openTelemetry;
        return traceLane == null ? publisher : traceLane.laneInReactiveBaggage(publisher, tag);
    }

    @Override
    public AutoCloseable laneOnServerSpan(String tag, String dyedBy, RequestView request) {
        OpenTelemetryLane traceLane = openTelemetry;
        if (traceLane == null) {
            return null;
        }
        if (tag != null && dyedBy != null) {
            traceLane.laneOnCurrentSpan(tag, dyedBy, request);
        }
        return traceLane.laneInBaggage(tag);
    }

    // ------------------------------------------------------------------------------------------
    // The trust boundary: row 10.

    @Override
    public boolean trusted(RequestView request) {
        try {
            return trusted(snapshot(), request);
        } catch (Throwable t) {
            AgentFaults.report(PLACE_INBOUND, t);
            return false;
        }
    }

    private boolean trusted(RuleSnapshot snapshot, RequestView request) {
        EntryTrust entry = snapshot.entry();
        return !entry.isEntry(applicationName, gateway) || entry.trusts(request);
    }

    private static void untrusted(String carriedTag, RequestView request) {
        String peer = request == null ? null : request.remoteAddress();
        AgentLog.warnOnce("untrusted-tag", "entry: a request from " + (peer == null ? "an unknown address" : peer)
                + " carried tag '" + AgentLog.abbreviate(carriedTag, 80) + "' from a source the rules do not trust"
                + " (entry.trust): dropped, the request is dyed here as an untagged one (logged once;"
                + " see docs/rules.md#entry)");
    }

    @Override
    public void entryFound(String what) {
        if (!gateway) {
            gateway = true;
            EntryTrust entry = snapshot().entry();
            AgentLog.info("entry: " + what + " found: this application is an entry; a tag or carried header is"
                    + " honoured only from " + (entry.sources().isEmpty() && entry.secretHeader() == null
                    ? "no source (the rules name none under entry.trust)"
                    : "the sources the rules trust (entry.trust)"));
        }
    }

    @Override
    public long warmupWindowMillis() {
        RuleSnapshot snapshot = snapshot();
        WarmupSettings warmup = snapshot.warmup();
        return warmup.enabled() && !snapshot.dryRun() ? warmup.windowMillis() : 0L;
    }

    @Override
    public String trustHeader() {
        return snapshot().entry().secretHeader();
    }

    /** Rows 4 and 5: a valid carried tag, else ingress dyeing, else this instance's tag. */
    private String tagInbound(RuleSnapshot snapshot, String carriedTag, RequestView request, List<String> why) {
        if (carriedTag != null) {
            if (Tags.isValid(carriedTag)) {
                if (why != null) {
                    why.add("the request carries tag " + carriedTag + " (" + TrafficContext.HEADER
                            + "): it keeps it; no dyeing");
                }
                return carriedTag;
            }
            if (why != null) {
                why.add("the request carries a malformed tag '" + AgentLog.abbreviate(carriedTag, 80)
                        + "' (expected 1-" + Tags.MAX_LENGTH + " of [A-Za-z0-9._-], starting with a letter or digit):"
                        + " ignored, as if it carried none");
            }
        }
        String tag = IngressDyeing.dye(snapshot, request, applicationName, why);
        return tag != null ? tag : instanceTag;
    }

    // ------------------------------------------------------------------------------------------
    // Outbound: rows 1-3, 6, 7 and 9.

    @Override
    public <T> List<T> eligible(String service, List<T> candidates, InstanceView<T> view, String tag,
                                CarriedHeaders carried, RequestView request) {
        int n = candidates == null ? 0 : candidates.size();
        if (n == 0 || view == null) {
            return candidates;
        }
        Scratch sc = acquire();
        try {
            RuleSnapshot snapshot = snapshot();
            long now = clock.getAsLong();
            select(sc, snapshot, service, candidates, n, view, tag, carried, request, now, true, false, null);
            if (sc.grouping != null && !snapshot.dryRun() && sc.count < n && !stillTagged(sc, candidates, view)) {
                // Edited in place (see CandidateGroups): decide this call by a scan, counted once.
                groups.invalidate(service);
                select(sc, snapshot, service, candidates, n, view, tag, carried, request, now, false, false, null);
            }
            return eligibleOf(sc, snapshot, candidates, n);
        } catch (LaneUnavailableException e) {
            throw e;
        } catch (Throwable t) {
            AgentFaults.report(PLACE_ELIGIBLE, t);
            return candidates;
        } finally {
            sc.grouping = null;
            sc.group = null;
            sc.busy = false;
        }
    }

    /**
     * The decision {@link #eligible} takes for a call with these inputs, with its reasons: which
     * route applied and why the others did not, the lane and its fallback, and each candidate with
     * why it is eligible or not. The same steps as routing, on a scan of the candidates; nothing
     * is counted and a strict lane's failure is reported, not thrown.
     *
     * @param destination when a route with several destinations applies, the index of the one to
     *                    explain; -1 to draw one by weight as a call does
     */
    public <T> RouteDecision<T> explain(String service, List<T> candidates, InstanceView<T> view, String tag,
                                        CarriedHeaders carried, RequestView request, int destination) {
        RuleSnapshot snapshot = snapshot();
        List<T> list = candidates == null ? new ArrayList<T>() : candidates;
        int n = list.size();
        long now = clock.getAsLong();
        Explanation ex = new Explanation(destination);
        Scratch sc = new Scratch();
        if (view == null) {
            n = 0;
        }
        select(sc, snapshot, service, list, n, view, tag, carried, request, now, false, false, ex);
        boolean strict = ex.outcome == RouteDecision.Outcome.STRICT_FAILURE;
        WarmupSettings warmup = snapshot.warmup();
        List<RouteDecision.Candidate<T>> described = new ArrayList<RouteDecision.Candidate<T>>(n);
        for (int i = 0; i < n; i++) {
            T instance = list.get(i);
            String instanceTagOf = tagOf(service, instance, view);
            boolean eligible = !strict && (sc.selected == null || Picks.contains(sc.selected, sc.count, i));
            boolean beforeEjection = !strict && (ex.beforeEjection == null || Picks.contains(ex.beforeEjection,
                    ex.beforeCount, i));
            String reason = ex.reason(instanceTagOf, eligible, beforeEjection);
            int percent = warmup.enabled() ? WarmupWeight.percent(warmup, startOf(service, instance, view, now), now) : -1;
            described.add(new RouteDecision.Candidate<T>(instance, instanceTagOf, view.address(instance), eligible,
                    reason, percent));
        }
        LaneRule lane = ex.target == null ? null : snapshot.lane(ex.target);
        return new RouteDecision<T>(service, tag, ex.target, ex.source, ex.routes, ex.routeDestinations,
                ex.destinationCount, lane == null ? null : lane.name(), lane == null ? Fallback.BASE : lane.fallback(), ex.outcome,
                snapshot.dryRun(), ex.failure, described);
    }

    /**
     * {@link #explain} over the instances the engine last saw for {@code service} (their
     * addresses, tags and start times as of the last list grouped, or of a call within the last
     * second when the framework hands a new list to every call); null when it has seen none.
     */
    public RouteDecision<?> explainLastSeen(String service, String tag, CarriedHeaders carried, RequestView request) {
        List<CandidateGroups.SeenInstance> seen = groups.lastSeen(service);
        if (seen == null) {
            return null;
        }
        return explain(service, seen, CandidateGroups.SEEN_VIEW, tag, carried, request, -1);
    }


    /** True when every selected candidate still publishes the tag its grouping recorded. */
    private static <T> boolean stillTagged(Scratch sc, List<T> candidates, InstanceView<T> view) {
        for (int k = 0; k < sc.count; k++) {
            int index = sc.selected[k];
            if (!sc.grouping.stillTagged(index, candidates.get(index), view)) {
                return false;
            }
        }
        return true;
    }

    /** The selection {@link #select} left in {@code sc}, as a list for the framework's balancer. */
    private <T> List<T> eligibleOf(Scratch sc, RuleSnapshot snapshot, List<T> candidates, int n) {
        countOutcome(sc);
        if (snapshot.dryRun() || sc.count == n) {
            return candidates;
        }
        List<T> out = new ArrayList<T>(sc.count);
        for (int k = 0; k < sc.count; k++) {
            out.add(candidates.get(sc.selected[k]));
        }
        return out;
    }

    @Override
    public <T> T pickWeighted(String service, List<T> eligible, InstanceView<T> view) {
        int n = eligible == null ? 0 : eligible.size();
        if (n == 0 || view == null) {
            return null;
        }
        Scratch sc = acquire();
        try {
            RuleSnapshot snapshot = snapshot();
            WarmupSettings warmup = snapshot.warmup();
            if (snapshot.dryRun() || !warmup.enabled()) {
                return null;
            }
            sc.ensure(n);
            sc.count = n;
            sc.selected = null;
            int k = Picks.weightedIndex(this, service, sc, warmup, eligible, view, clock.getAsLong());
            return k < 0 ? null : eligible.get(k);
        } catch (Throwable t) {
            AgentFaults.report(PLACE_PICK, t);
            return null;
        } finally {
            sc.busy = false;
        }
    }

    @Override
    public <T> T choose(String service, List<T> candidates, InstanceView<T> view, String tag, CarriedHeaders carried,
                        RequestView request) {
        int n = candidates == null ? 0 : candidates.size();
        if (n == 0 || view == null) {
            return null;
        }
        Scratch sc = acquire();
        try {
            RuleSnapshot snapshot = snapshot();
            long now = clock.getAsLong();
            select(sc, snapshot, service, candidates, n, view, tag, carried, request, now, true, true, null);
            if (sc.grouping != null && !snapshot.dryRun()) {
                int k = pickInGroup(sc, snapshot.warmup(), service, n, now);
                if (k < 0) {
                    countOutcome(sc);
                    return null;
                }
                T picked = candidates.get(k);
                if (sc.grouping.stillTagged(k, picked, view)) {
                    countOutcome(sc);
                    return picked;
                }
                // The list was edited in place (against the assumption CandidateGroups documents):
                // forget its grouping and decide this call by a scan, counted once.
                groups.invalidate(service);
                select(sc, snapshot, service, candidates, n, view, tag, carried, request, now, false, false, null);
            }
            countOutcome(sc);
            if (snapshot.dryRun()) {
                return null;
            }
            WarmupSettings warmup = snapshot.warmup();
            if (warmup.enabled()) {
                int k = Picks.weightedIndex(this, service, sc, warmup, candidates, view, now);
                if (k >= 0) {
                    return candidates.get(k);
                }
            }
            if (sc.count == n) {
                return null;
            }
            return candidates.get(sc.selected[ThreadLocalRandom.current().nextInt(sc.count)]);
        } catch (LaneUnavailableException e) {
            throw e;
        } catch (Throwable t) {
            AgentFaults.report(PLACE_CHOOSE, t);
            return null;
        } finally {
            sc.grouping = null;
            sc.group = null;
            sc.busy = false;
        }
    }

    /**
     * Row 7 on a cached group: the index of a pick weighted by warm-up (or uniform) among the
     * group less its ejected members, or -1 when the framework may choose among all candidates.
     * Ejected members are rejected after the pick and the pick redrawn, which gives exactly the
     * distribution of a pick among the members left, without a pass over the group.
     */
    private int pickInGroup(Scratch sc, WarmupSettings warmup, String service, int n, long now) {
        CandidateGroups.Group group = sc.group;
        int count = group.count;
        int[] indexes = group.indexes;
        int ejected = sc.ejectedCount;
        int[] cumulative = null;
        if (warmup.enabled()) {
            cumulative = groups.weights(service, sc.grouping, warmup, now).cumulative[group.id];
        }
        if (cumulative == null && ejected == 0 && count == n) {
            return -1;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < MAX_REDRAWS; attempt++) {
            int k = cumulative == null ? random.nextInt(count) : Picks.cumulativeIndex(cumulative, random);
            int index = indexes[k];
            if (ejected == 0 || !Picks.contains(sc.ejected, ejected, index)) {
                return index;
            }
        }
        // Nearly the whole group ejected yet above the panic threshold (a low threshold): one
        // exact pass among the members left, which the redraws above only approximated in time.
        int total = 0;
        for (int k = 0; k < count; k++) {
            if (!Picks.contains(sc.ejected, ejected, indexes[k])) {
                total += cumulative == null ? 1 : cumulative[k] - (k == 0 ? 0 : cumulative[k - 1]);
            }
        }
        int r = random.nextInt(total);
        for (int k = 0; k < count; k++) {
            if (!Picks.contains(sc.ejected, ejected, indexes[k])) {
                r -= cumulative == null ? 1 : cumulative[k] - (k == 0 ? 0 : cumulative[k - 1]);
                if (r < 0) {
                    return indexes[k];
                }
            }
        }
        return indexes[count - 1];
    }



    @Override
    public void awaitRules() {
        try {
            snapshot();
        } catch (Throwable t) {
            AgentFaults.report(PLACE_AWAIT_RULES, t);
        }
    }

    @Override
    public boolean hasRoutes(String service) {
        try {
            return !snapshot().routesFor(service).isEmpty();
        } catch (Throwable t) {
            AgentFaults.report(PLACE_ROUTES, t);
            return false;
        }
    }

    @Override
    public void completed(String service, String address, boolean success, String lane, String instanceTag,
                          long nanos) {
        try {
            long started = nanos < 0L ? -1L : clock.getAsLong() - nanos / 1_000_000L - 1L;
            outliers.record(service, address, success, snapshot().outlier(), started);
            metrics.call(service, lane != null && Tags.isValid(lane) ? lane : null,
                    instanceTag != null && Tags.isValid(instanceTag) ? instanceTag : null, success, nanos);
        } catch (Throwable t) {
            AgentFaults.report(PLACE_RECORD, t);
        }
    }

    @Override
    public boolean closing(String service, String address) {
        try {
            return outliers.closing(service, address);
        } catch (Throwable t) {
            AgentFaults.report(PLACE_RECORD, t);
            return false;
        }
    }

    @Override
    public void record(String service, String address, boolean success) {
        try {
            outliers.record(service, address, success, snapshot().outlier());
        } catch (Throwable t) {
            AgentFaults.report(PLACE_RECORD, t);
        }
    }

    /**
     * Leaves in {@code sc} the indexes of the candidates the call may go to ({@code sc.selected}
     * null meaning all of them) and the outcome to count under the lane of this hop. With
     * {@code cached}, it works on the grouping of the list when there is one ({@code sc.grouping}
     * and {@code sc.group} set); with {@code deferEjection} too, it leaves the ejected members of
     * the group in {@code sc.ejected} for {@link #pickInGroup} instead of filtering them out.
     */
    private <T> void select(Scratch sc, RuleSnapshot snapshot, String service, List<T> candidates, int n,
                            InstanceView<T> view, String tag, CarriedHeaders carried, RequestView request, long now,
                            boolean cached, boolean deferEjection, Explanation ex) {
        // Row 6: a matching custom route picks the tag of this hop; else the traffic tag does.
        String target = null;
        boolean routed = false;
        List<RouteRule> routes = snapshot.routesFor(service);
        for (int i = 0, size = routes.size(); i < size; i++) {
            RouteRule route = routes.get(i);
            List<WeightedTag> to = route.to();
            if (routed) {
                if (ex == null) {
                    break;
                }
                ex.notChecked(i, service, route);
                continue;
            }
            boolean applies;
            if (ex == null) {
                applies = !to.isEmpty() && route.match().matches(request, carried);
            } else {
                String mismatch = to.isEmpty() ? "it routes nowhere" : route.match().mismatch(request, carried);
                ex.route(i, service, route, mismatch);
                applies = mismatch == null;
            }
            if (applies) {
                target = ex != null && ex.destination >= 0 && ex.destination < to.size()
                        ? to.get(ex.destination).tag() : Picks.destination(to);
                routed = true;
            }
        }
        if (!routed) {
            // The hop's tag, else this instance's own: work that starts on a tagged instance
            // outside any request prefers its lane (DESIGN row 4).
            target = tag != null ? tag : instanceTag;
        }
        if (ex != null) {
            ex.target = target;
            ex.source = routed ? RouteDecision.TagSource.ROUTE : tag != null ? RouteDecision.TagSource.REQUEST
                    : target != null ? RouteDecision.TagSource.INSTANCE : RouteDecision.TagSource.NONE;
        }

        sc.ensure(n);
        sc.grouping = null;
        sc.group = null;
        sc.ejectedCount = 0;
        sc.outcome = null;
        sc.dryRunDifference = false;
        CandidateGroups.Grouping grouping = cached ? groups.lookup(service, candidates, n, view, snapshot, this, now) : null;
        CandidateGroups.Group laneGroup = null;
        int inLane = 0;
        int inBase = 0;
        int[] lane = sc.lane;
        int[] base = sc.base;
        if (grouping != null) {
            laneGroup = target == null ? null : grouping.byTag.get(target);
            inLane = laneGroup == null ? 0 : laneGroup.count;
            inBase = grouping.base.count;
        } else {
            for (int i = 0; i < n; i++) {
                String its = tagOf(service, candidates.get(i), view);
                if (its == null) {
                    base[inBase++] = i;
                } else if (target != null && its.equals(target)) {
                    lane[inLane++] = i;
                }
            }
        }

        String counted = target == null ? LaneMetrics.BASE : target;
        LaneMetrics.Kind outcome;
        CandidateGroups.Group chosen;
        if (target == null) {
            // Row 1: untagged traffic stays on base instances while the service has any.
            outcome = inBase > 0 ? LaneMetrics.Kind.ROUTED : LaneMetrics.Kind.FALLBACK_ANY;
            chosen = grouping == null ? null : grouping.base;
            use(sc, base, inBase, n);
        } else if (inLane > 0) {
            outcome = LaneMetrics.Kind.ROUTED;
            chosen = laneGroup;
            use(sc, lane, inLane, n);
        } else {
            // Row 2: no instance of the lane here. Row 9: a tag no rule names falls back like "base".
            LaneRule rule = snapshot.lane(target);
            if (rule != null && rule.fallback() == Fallback.NONE) {
                if (ex != null) {
                    ex.outcome = RouteDecision.Outcome.STRICT_FAILURE;
                    ex.failure = new LaneUnavailableException(service, target).getMessage();
                    sc.count = 0;
                    return;
                }
                metrics.outbound(service, counted, LaneMetrics.Kind.STRICT_FAILURE);
                if (snapshot.dryRun()) {
                    metrics.outbound(service, counted, LaneMetrics.Kind.DRY_RUN_DIFFERENCE);
                    use(sc, null, n, n);
                    return;
                }
                throw new LaneUnavailableException(service, target);
            }
            outcome = inBase > 0 ? LaneMetrics.Kind.FALLBACK_BASE : LaneMetrics.Kind.FALLBACK_ANY;
            chosen = grouping == null ? null : grouping.base;
            use(sc, base, inBase, n);
        }
        if (grouping != null) {
            // An empty group means every candidate (use() above); the group's indexes are shared
            // and read-only, never a per-thread buffer.
            if (chosen.count == 0) {
                chosen = grouping.all;
            }
            sc.grouping = grouping;
            sc.group = chosen;
            sc.selected = chosen.count == n ? null : chosen.indexes;
            sc.count = chosen.count;
        }
        sc.counted = counted;
        sc.service = service;
        sc.outcome = outcome;
        if (ex != null) {
            ex.outcome = outcome == LaneMetrics.Kind.FALLBACK_BASE ? RouteDecision.Outcome.FALLBACK_BASE
                    : outcome == LaneMetrics.Kind.FALLBACK_ANY ? RouteDecision.Outcome.FALLBACK_ANY
                    : RouteDecision.Outcome.ROUTED;
            ex.selectedBeforeEjection(sc.selected, sc.count);
        }

        // Row 7: ejections for errors while outlier detection is on; closing instances always.
        OutlierSettings outlier = snapshot.outlier();
        if (service != null) {
            OutlierDetector.ServiceState state = outliers.state(service);
            if (state != null) {
                if (outlier.enabled()) {
                    state.observe(n);
                }
                if (state.mayHaveEjections(now)) {
                    if (grouping != null && deferEjection && !grouping.sharedAddresses) {
                        Ejections.findEjected(sc, state, outlier, grouping, now);
                    } else {
                        if (deferEjection) {
                            // choose then weighs the filtered selection itself, not the group.
                            sc.grouping = null;
                            sc.group = null;
                        }
                        if (!Ejections.dropEjected(sc, state, outlier, candidates, view, now) && ex != null) {
                            ex.panic = true;
                        }
                    }
                }
            }
        }
        if (snapshot.dryRun() && sc.count - sc.ejectedCount < n) {
            sc.dryRunDifference = true;
        }
    }

    /** Counts the outcome {@link #select} left in {@code sc}, once per call. */
    private void countOutcome(Scratch sc) {
        if (sc.outcome != null) {
            metrics.outbound(sc.service, sc.counted, sc.outcome);
            if (sc.dryRunDifference) {
                metrics.outbound(sc.service, sc.counted, LaneMetrics.Kind.DRY_RUN_DIFFERENCE);
            }
            sc.outcome = null;
        }
    }


    /** Makes {@code indexes[0..count)} the selection, or all candidates when there are none. */
    private static void use(Scratch sc, int[] indexes, int count, int n) {
        if (count == 0 || count == n) {
            sc.selected = null;
            sc.count = n;
        } else {
            sc.selected = indexes;
            sc.count = count;
        }
    }





    /**
     * The start warm-up weighs the instance from: the one it publishes, else (none, or one in
     * the future) when this instance first saw it; -1 for warm (see {@link FirstSeen}).
     */
    <T> long startOf(String service, T instance, InstanceView<T> view, long now) {
        long published = view.startMillis(instance);
        if (published >= 0 && published <= now) {
            return published;
        }
        return firstSeen.startOf(service, view.address(instance), published, groups.firstRouted(service, now), now);
    }

    /** The instance's tag, or null for a base instance; a malformed tag counts as base. */
    <T> String tagOf(String service, T instance, InstanceView<T> view) {
        String tag = view.tag(instance);
        if (tag == null || Tags.isValid(tag)) {
            return tag;
        }
        if (!MalformedTags.isBlank(tag)) {
            malformed.warn(service, view.address(instance), tag);
        }
        return null;
    }



    private RuleSnapshot snapshot() {
        RuleSnapshot snapshot = rules.get();
        return snapshot == null ? RuleSnapshot.EMPTY : snapshot;
    }

    private Scratch acquire() {
        Scratch sc = scratch.get();
        if (sc.busy) {
            // Re-entered on this thread (an InstanceView that routes): do not clobber the outer call.
            sc = new Scratch();
        }
        sc.busy = true;
        return sc;
    }

    /** Per-thread index buffers, grown on demand and then reused by every call on the thread. */
    static final class Scratch {
        int[] lane = new int[0];
        int[] base = new int[0];
        int[] kept = new int[0];
        int[] weights = new int[0];
        /** Indexes of the selection, or null when the selection is every candidate. */
        int[] selected;
        int count;
        /** The grouping and group the selection came from, or null after a scan. */
        CandidateGroups.Grouping grouping;
        CandidateGroups.Group group;
        /** Candidate indexes of the group's ejected members, to redraw a pick that lands on one. */
        int[] ejected;
        int ejectedCount;
        /** The outcome to count, once the call is decided. */
        String counted;
        String service;
        LaneMetrics.Kind outcome;
        boolean dryRunDifference;
        boolean busy;

        void ensure(int n) {
            if (lane.length < n) {
                int size = Math.max(n, Math.max(16, lane.length * 2));
                lane = new int[size];
                base = new int[size];
                kept = new int[size];
                weights = new int[size];
            }
        }
    }
}
