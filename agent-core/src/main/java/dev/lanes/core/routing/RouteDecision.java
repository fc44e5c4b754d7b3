package dev.lanes.core.routing;

import dev.lanes.core.rules.Fallback;
import dev.lanes.core.rules.RouteRule;
import dev.lanes.core.rules.WeightedTag;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the engine decided for one outbound call, and why: the routes it checked, the lane it
 * routed to, whether it fell back, and each candidate with the reason it is eligible or not.
 * Made by {@link LaneRouter#explain} on the very code path that routes calls; {@code rules
 * explain} prints it and the admin endpoint shows it.
 */
public final class RouteDecision<T> {

    /** How the call was routed, as the metrics count it. */
    public enum Outcome {
        /** To instances of the lane (or, for untagged traffic, to base instances). */
        ROUTED,
        /** No instance of the lane: to base instances, the tag kept for the next hop. */
        FALLBACK_BASE,
        /** Neither the lane nor base has an instance: to any instance. */
        FALLBACK_ANY,
        /** A lane with {@code fallback: none} and no instance: the call fails. */
        STRICT_FAILURE
    }

    /** Where the tag the call was routed by came from. */
    public enum TagSource {
        /** The hop's traffic tag (the request's, or the one the call itself carries). */
        REQUEST,
        /** No traffic tag: this instance's own tag (DESIGN row 4). */
        INSTANCE,
        /** A custom route chose the destination. */
        ROUTE,
        /** No tag at all: base traffic. */
        NONE
    }

    /** One custom route for the service and what became of it. */
    public static final class RouteCheck {
        private final String name;
        private final String match;
        private final String destinations;
        private final String mismatch;
        private final boolean checked;

        RouteCheck(String name, String match, String destinations, String mismatch, boolean checked) {
            this.name = name;
            this.match = match;
            this.destinations = destinations;
            this.mismatch = mismatch;
            this.checked = checked;
        }

        public String name() {
            return name;
        }

        /** True when this route decided the call. */
        public boolean applies() {
            return checked && mismatch == null;
        }

        /** Why it does not apply, or null. */
        public String mismatch() {
            return mismatch;
        }

        /** False when an earlier route applied first. */
        public boolean checked() {
            return checked;
        }

        String line() {
            if (!checked) {
                return name + ": not checked (an earlier route applies)";
            }
            return mismatch != null ? name + ": does not apply: " + mismatch
                    : name + ": applies (" + match + ") -> " + destinations;
        }
    }

    /** One candidate and whether the call may go to it. */
    public static final class Candidate<T> {
        private final T instance;
        private final String tag;
        private final String address;
        private final boolean eligible;
        private final String reason;
        private final int warmupPercent;

        Candidate(T instance, String tag, String address, boolean eligible, String reason, int warmupPercent) {
            this.instance = instance;
            this.tag = tag;
            this.address = address;
            this.eligible = eligible;
            this.reason = reason;
            this.warmupPercent = warmupPercent;
        }

        public T instance() {
            return instance;
        }

        /** Its tag, null for a base instance (or a malformed tag, which counts as base). */
        public String tag() {
            return tag;
        }

        public String address() {
            return address;
        }

        public boolean eligible() {
            return eligible;
        }

        /** Why it is eligible or not, in a few words. */
        public String reason() {
            return reason;
        }

        /** Its warm-up weight in percent, or -1 when warm-up is off. */
        public int warmupPercent() {
            return warmupPercent;
        }
    }

    private final String service;
    private final String trafficTag;
    private final String target;
    private final TagSource tagSource;
    private final List<RouteCheck> routes;
    private final String routeDestinations;
    private final int destinationCount;
    private final String lane;
    private final Fallback fallback;
    private final Outcome outcome;
    private final boolean dryRun;
    private final String failure;
    private final List<Candidate<T>> candidates;

    RouteDecision(String service, String trafficTag, String target, TagSource tagSource, List<RouteCheck> routes,
                  String routeDestinations, int destinationCount, String lane, Fallback fallback, Outcome outcome, boolean dryRun,
                  String failure, List<Candidate<T>> candidates) {
        this.service = service;
        this.trafficTag = trafficTag;
        this.target = target;
        this.tagSource = tagSource;
        this.routes = Collections.unmodifiableList(routes);
        this.routeDestinations = routeDestinations;
        this.destinationCount = destinationCount;
        this.lane = lane;
        this.fallback = fallback;
        this.outcome = outcome;
        this.dryRun = dryRun;
        this.failure = failure;
        this.candidates = Collections.unmodifiableList(candidates);
    }

    public String service() {
        return service;
    }

    /** The hop's traffic tag the engine was given, or null. */
    public String trafficTag() {
        return trafficTag;
    }

    /** The tag the call was routed to, null for base. */
    public String target() {
        return target;
    }

    public TagSource tagSource() {
        return tagSource;
    }

    public List<RouteCheck> routes() {
        return routes;
    }

    /** How many destinations the route that applied has (it draws one by weight); 0 when none applied. */
    public int destinationCount() {
        return destinationCount;
    }

    /** The name of the lane rule for {@link #target()}, or null when no rule names it. */
    public String lane() {
        return lane;
    }

    /** The fallback that applies to {@link #target()}: the lane's, or base when no rule names it. */
    public Fallback fallback() {
        return fallback;
    }

    public Outcome outcome() {
        return outcome;
    }

    /** True when the rules are in dry run: the decision is counted, the framework chooses among all. */
    public boolean dryRun() {
        return dryRun;
    }

    /** The error a strict lane fails the call with, or null. */
    public String failure() {
        return failure;
    }

    public List<Candidate<T>> candidates() {
        return candidates;
    }

    /** The instances the call may go to, in candidate order; empty when it fails. */
    public List<T> eligible() {
        List<T> out = new ArrayList<T>();
        for (Candidate<T> c : candidates) {
            if (c.eligible) {
                out.add(c.instance);
            }
        }
        return out;
    }

    /** The decision in lines of text, as {@code rules explain} prints it. */
    public List<String> lines() {
        List<String> out = new ArrayList<String>();
        out.add("outbound call to " + service + " (" + (trafficTag == null ? "no traffic tag"
                : "traffic tag " + trafficTag) + ")" + (dryRun ? "; dry run: counted, not enforced" : "") + ":");
        if (routes.isEmpty()) {
            out.add("  no route for " + service);
        }
        for (RouteCheck r : routes) {
            out.add("  " + r.line());
        }
        out.add("  " + destination());
        if (!candidates.isEmpty()) {
            out.add("  candidates:");
            for (Candidate<T> c : candidates) {
                out.add("    " + (c.eligible ? "+ " : "- ") + String.valueOf(c.instance) + " ("
                        + (c.tag == null ? "base" : "tag " + c.tag) + "): " + c.reason
                        + (c.warmupPercent >= 0 && c.eligible ? ", warm-up weight " + c.warmupPercent + "%" : ""));
            }
        }
        if (candidates.isEmpty()) {
            return out;
        }
        if (failure != null) {
            out.add(dryRun ? "  dry run: the framework chooses among all candidates; enforced, the call would fail: "
                    + failure : "  the call fails: " + failure);
        } else if (dryRun) {
            out.add("  dry run: the framework chooses among all candidates");
        }
        return out;
    }

    private String destination() {
        String by = tagSource == TagSource.ROUTE ? "the route sends it to "
                : tagSource == TagSource.INSTANCE ? "no traffic tag; this instance's own tag: "
                : "";
        if (target == null) {
            return by + "base: to untagged instances of " + service + "; to any instance (counted as a fallback) "
                    + "when it has none" + outcomeNote();
        }
        String from = lane == null ? "no lane names tag " + target + ", so the default applies"
                : "lane '" + lane + "'";
        return by + "tag " + target + ": to instances tagged " + target + " of " + service
                + " when it has any up; else " + (fallback == Fallback.NONE
                ? "the call fails at once (fallback: none, " + from + ")"
                : "to base instances, keeping the tag for the next hop (fallback: base, " + from + ")")
                + outcomeNote();
    }

    private String outcomeNote() {
        if (candidates.isEmpty()) {
            return "";
        }
        switch (outcome) {
            case ROUTED:
                return "; here: routed";
            case FALLBACK_BASE:
                return "; here: falls back to base";
            case FALLBACK_ANY:
                return "; here: falls back to any instance";
            default:
                return "; here: fails";
        }
    }

    /** The decision as plain maps and lists, for the admin endpoint's JSON. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<String, Object>();
        m.put("service", service);
        m.put("trafficTag", trafficTag);
        m.put("target", target == null ? "base" : target);
        m.put("tagSource", tagSource.name().toLowerCase(Locale.ROOT));
        List<Object> rs = new ArrayList<Object>();
        for (RouteCheck r : routes) {
            Map<String, Object> rm = new LinkedHashMap<String, Object>();
            rm.put("route", r.name);
            rm.put("checked", r.checked);
            rm.put("applies", r.applies());
            if (r.mismatch != null) {
                rm.put("mismatch", r.mismatch);
            }
            rs.add(rm);
        }
        m.put("routes", rs);
        if (routeDestinations != null) {
            m.put("routeDestinations", routeDestinations);
        }
        m.put("lane", lane);
        m.put("fallback", fallback.name().toLowerCase(Locale.ROOT));
        m.put("outcome", outcome.name().toLowerCase(Locale.ROOT));
        m.put("dryRun", dryRun);
        if (failure != null) {
            m.put("failure", failure);
        }
        List<Object> cs = new ArrayList<Object>();
        for (Candidate<T> c : candidates) {
            Map<String, Object> cm = new LinkedHashMap<String, Object>();
            cm.put("address", c.address);
            cm.put("tag", c.tag == null ? "base" : c.tag);
            cm.put("eligible", c.eligible);
            cm.put("reason", c.reason);
            if (c.warmupPercent >= 0) {
                cm.put("warmupPercent", c.warmupPercent);
            }
            cs.add(cm);
        }
        m.put("candidates", cs);
        m.put("why", lines());
        return m;
    }

    /** A route's destinations as the explanation shows them: "gray 20.0%, base 80.0%". */
    static String destinations(RouteRule r) {
        StringBuilder sb = new StringBuilder();
        List<WeightedTag> to = r.to();
        for (WeightedTag w : to) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(w.tag() == null ? "base" : w.tag());
            if (to.size() > 1) {
                sb.append(String.format(Locale.ROOT, " %.1f%%", 100.0 * w.weight() / Math.max(1, r.totalWeight())));
            }
        }
        return sb.toString();
    }
}
