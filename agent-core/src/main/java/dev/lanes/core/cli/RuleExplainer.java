package dev.lanes.core.cli;

import dev.lanes.bridge.InstanceView;
import dev.lanes.bridge.RequestView;
import dev.lanes.core.routing.InboundDecision;
import dev.lanes.core.routing.LaneRouter;
import dev.lanes.core.routing.RouteDecision;
import dev.lanes.core.rules.RuleSnapshot;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code rules explain}: which lane, route and fallback the rules give one request, and why.
 * Every answer is the engine's own ({@link LaneRouter#explainInbound}, {@link LaneRouter#explain})
 * over the rules of the file and, with {@code --instances}, over instances named by their tags.
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
     * @param instanceTag this instance's tag (node dyeing), or null
     * @param instances   instance tags of the called service ("base" for untagged), or null
     */
    void explain(String application, String carriedTag, String instanceTag, String service, RequestView request,
                 List<String> instances) {
        out.println("rules: version " + rules.version() + ", " + rules.lanes().size() + " lanes, "
                + rules.routes().size() + " routes" + (rules.dryRun()
                ? "; dryRun is on: everything below is counted, not enforced" : ""));
        LaneRouter router = new LaneRouter(application, instanceTag, new Supplier<RuleSnapshot>() {
            @Override
            public RuleSnapshot get() {
                return rules;
            }
        }, null, null);
        out.println();
        out.println("inbound" + (application == null ? "" : " at " + application) + ":");
        InboundDecision inbound = router.explainInbound(carriedTag, request);
        for (String line : inbound.why()) {
            out.println("  " + line);
        }
        if (service == null) {
            return;
        }
        List<String> named = new ArrayList<String>();
        if (instances != null) {
            for (int i = 0; i < instances.size(); i++) {
                named.add(instances.get(i).trim() + "#" + (i + 1));
            }
        }
        // The tag the request got becomes the thread's, and so the tag of the hop out.
        String tag = inbound.tag();
        RouteDecision<String> decision = router.explain(service, named, VIEW, tag, null, request, 0);
        out.println();
        print(decision.lines());
        for (int d = 1; d < decision.destinationCount(); d++) {
            out.println("  each call picks one destination by weight; for destination " + (d + 1) + ":");
            List<String> lines = router.explain(service, named, VIEW, tag, null, request, d).lines();
            print(lines.subList(lines.size() - countFromDestination(lines), lines.size()));
        }
    }

    private void print(List<String> lines) {
        for (String line : lines) {
            out.println(line);
        }
    }

    /** The lines from the destination on: those that differ between a route's destinations. */
    private static int countFromDestination(List<String> lines) {
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.startsWith("  route ") && !line.startsWith("  no route")) {
                return lines.size() - i;
            }
        }
        return 0;
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
}
