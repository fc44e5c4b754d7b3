package dev.lanes.core.cli;

import dev.lanes.bridge.InstanceView;
import dev.lanes.bridge.LaneUnavailableException;
import dev.lanes.bridge.RequestView;
import dev.lanes.bridge.TrafficContext;
import dev.lanes.core.routing.IngressDyeing;
import dev.lanes.core.routing.LaneRouter;
import dev.lanes.core.rules.EntryRule;
import dev.lanes.core.rules.Fallback;
import dev.lanes.core.rules.LaneRule;
import dev.lanes.core.rules.RouteRule;
import dev.lanes.core.rules.RuleSnapshot;
import dev.lanes.core.rules.WeightedTag;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code rules explain}: which lane, route and fallback the rules give one request, and why,
 * with the engine's own choice among instances when they are given.
 */
final class RuleExplainer {

    private final RuleSnapshot rules;
    private final PrintStream out;

    RuleExplainer(RuleSnapshot rules, PrintStream out) {
        this.rules = rules;
        this.out = out;
    }

    /**
     * @param application the application the request enters (for ingress dyeing), or null
     * @param carriedTag  the tag the request carries (x-lanes-tag), or null
     * @param instances   instance tags of the called service ("base" for untagged), or null
     */
    void explain(String application, String carriedTag, String instanceTag, String service, RequestView request,
                 List<String> instances) {
        out.println("rules: version " + rules.version() + ", " + rules.lanes().size() + " lanes, "
                + rules.routes().size() + " routes" + (rules.dryRun()
                ? "; dryRun is on: everything below is counted, not enforced" : ""));
        String tag = inbound(application, carriedTag, instanceTag, request);
        if (service == null) {
            return;
        }
        out.println();
        out.println("outbound call to " + service + (tag == null ? " (no traffic tag)" : " (traffic tag " + tag + ")")
                + ":");
        RouteRule applied = null;
        List<RouteRule> routes = rules.routesFor(service);
        if (routes.isEmpty()) {
            out.println("  no route for " + service);
        }
        for (int i = 0; i < routes.size(); i++) {
            RouteRule r = routes.get(i);
            String name = "route " + (r.name() == null ? "#" + (i + 1) + " for " + service : "'" + r.name() + "'");
            if (applied != null) {
                out.println("  " + name + ": not checked (an earlier route applies)");
                continue;
            }
            String why = r.match().mismatch(request);
            if (why != null) {
                out.println("  " + name + ": does not apply: " + why);
                continue;
            }
            applied = r;
            out.println("  " + name + ": applies (" + r.match().describe() + ") -> " + destinations(r));
            if (r.to().size() > 1) {
                out.println("    each call picks one destination by weight; the lines below are for each of them");
            }
        }
        if (applied != null) {
            for (WeightedTag w : applied.to()) {
                lane(service, w.tag());
            }
        } else {
            lane(service, tag);
        }
        if (instances != null) {
            choose(service, tag, request, instances);
        }
    }

    private String inbound(String application, String carried, String instanceTag, RequestView request) {
        out.println();
        out.println("inbound" + (application == null ? "" : " at " + application) + ":");
        if (carried != null) {
            out.println("  the request carries tag " + carried + " (x-lanes-tag): it keeps it; no dyeing");
            return carried;
        }
        for (LaneRule lane : rules.lanes()) {
            EntryRule entry = lane.entry();
            if (entry == null) {
                continue;
            }
            String name = "lane '" + lane.name() + "' entry";
            if (!entry.services().isEmpty() && (application == null || !entry.services().contains(application))) {
                out.println("  " + name + ": does not apply here: it dyes at " + entry.services()
                        + (application == null ? " (give --app)" : ""));
                continue;
            }
            String why = entry.match().mismatch(request);
            if (why != null) {
                out.println("  " + name + ": does not apply: " + why);
                continue;
            }
            if (entry.percent() >= 100) {
                out.println("  " + name + ": applies (" + entry.match().describe() + "): dyed " + lane.tag());
                return lane.tag();
            }
            if (entry.stickyBy() == null) {
                out.println("  " + name + ": matches (" + entry.match().describe() + "); " + entry.percent()
                        + "% of such requests, at random, are dyed " + lane.tag() + "; assuming this one is not");
                continue;
            }
            String value = entry.stickyBy().valueIn(request);
            if (value == null) {
                out.println("  " + name + ": matches, but " + entry.stickyBy() + " is absent: not dyed");
                continue;
            }
            int bucket = IngressDyeing.stickyBucket(value);
            boolean in = bucket < entry.percent();
            out.println("  " + name + ": matches; " + entry.stickyBy() + " '" + value + "' falls in bucket " + bucket
                    + (in ? " < " : " >= ") + entry.percent() + "%: " + (in ? "dyed " + lane.tag() : "not dyed"));
            if (in) {
                return lane.tag();
            }
        }
        if (instanceTag != null) {
            out.println("  no ingress rule dyes it; this instance's tag " + instanceTag + " dyes it (node dyeing)");
            return instanceTag;
        }
        out.println("  no tag: the request stays in base");
        return null;
    }

    private void lane(String service, String tag) {
        if (tag == null) {
            out.println("  base: the call goes to untagged instances of " + service
                    + "; to any instance (counted as a fallback) when it has none");
            return;
        }
        LaneRule lane = rules.lane(tag);
        Fallback fallback = lane == null ? Fallback.BASE : lane.fallback();
        String from = lane == null ? "no lane names tag " + tag + ", so the default applies"
                : "lane '" + lane.name() + "'";
        out.println("  tag " + tag + ": to instances tagged " + tag + " of " + service + " when it has any up; else "
                + (fallback == Fallback.NONE ? "the call fails at once (fallback: none, " + from + ")"
                : "to base instances, keeping the tag for the next hop (fallback: base, " + from + ")"));
    }

    private static String destinations(RouteRule r) {
        StringBuilder sb = new StringBuilder();
        for (WeightedTag w : r.to()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(w.tag() == null ? "base" : w.tag());
            if (r.to().size() > 1) {
                sb.append(String.format(Locale.ROOT, " %.1f%%", 100.0 * w.weight() / Math.max(1, r.totalWeight())));
            }
        }
        return sb.toString();
    }

    /** The engine itself, over instances named by their tags. */
    private void choose(String service, String tag, RequestView request, List<String> instances) {
        List<String> named = new ArrayList<String>();
        for (int i = 0; i < instances.size(); i++) {
            named.add(instances.get(i) + "#" + (i + 1));
        }
        LaneRouter router = new LaneRouter(null, null, new java.util.function.Supplier<RuleSnapshot>() {
            @Override
            public RuleSnapshot get() {
                return rules;
            }
        }, null, null);
        String previous = TrafficContext.attach(tag);
        try {
            List<String> eligible = router.eligible(service, named, VIEW, request);
            out.println("  among instances " + named + ": " + (rules.dryRun()
                    ? "dry run, the framework chooses among all of them" : "eligible " + eligible));
        } catch (LaneUnavailableException e) {
            out.println("  among instances " + named + ": the call fails: " + e.getMessage());
        } finally {
            TrafficContext.restore(previous);
        }
    }

    private static final InstanceView<String> VIEW = new InstanceView<String>() {
        @Override
        public String tag(String instance) {
            String t = instance.substring(0, instance.lastIndexOf('#'));
            return t.equals("base") ? null : t;
        }

        @Override
        public long startMillis(String instance) {
            return -1;
        }

        @Override
        public String address(String instance) {
            return instance;
        }
    };

    /** A request described on the command line. */
    static final class CliRequest implements RequestView {
        final Map<String, String> headers = new java.util.TreeMap<String, String>(String.CASE_INSENSITIVE_ORDER);
        final Map<String, String> cookies = new java.util.HashMap<String, String>();
        final Map<String, String> query = new java.util.HashMap<String, String>();
        final Map<Integer, String> args = new java.util.HashMap<Integer, String>();
        String path;
        String method;

        @Override
        public String header(String name) {
            return headers.get(name);
        }

        @Override
        public String cookie(String name) {
            return cookies.get(name);
        }

        @Override
        public String query(String name) {
            return query.get(name);
        }

        @Override
        public String path() {
            return path;
        }

        @Override
        public String method() {
            return method;
        }

        @Override
        public Object argument(int index) {
            return args.get(index);
        }
    }
}
