package dev.lanes.core.routing;

import dev.lanes.bridge.InstanceView;
import dev.lanes.core.rules.EntryRule;
import dev.lanes.core.rules.Fallback;
import dev.lanes.core.rules.LaneRule;
import dev.lanes.core.rules.LosslessSettings;
import dev.lanes.core.rules.Match;
import dev.lanes.core.rules.OutlierSettings;
import dev.lanes.core.rules.RouteRule;
import dev.lanes.core.rules.RuleSnapshot;
import dev.lanes.core.rules.StringMatch;
import dev.lanes.core.rules.WarmupSettings;
import dev.lanes.core.rules.WeightedTag;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Small instance and request types, rule builders and a router wired to a settable clock. */
final class Fixtures {

    static final long START = 1_700_000_000_000L;

    private Fixtures() {
    }

    /** A test instance: what a plugin's framework instance boils down to. */
    record Inst(String address, String tag, long start) {
        @Override
        public String toString() {
            return address + (tag == null ? "" : "[" + tag + "]");
        }
    }

    static final InstanceView<Inst> VIEW = new InstanceView<>() {
        @Override
        public String tag(Inst instance) {
            return instance.tag();
        }

        @Override
        public long startMillis(Inst instance) {
            return instance.start();
        }

        @Override
        public String address(Inst instance) {
            return instance.address();
        }
    };

    static Inst base(String address) {
        return new Inst(address, null, -1);
    }

    static Inst tagged(String address, String tag) {
        return new Inst(address, tag, -1);
    }

    static Inst started(String address, String tag, long start) {
        return new Inst(address, tag, start);
    }

    static List<Inst> list(Inst... instances) {
        return new ArrayList<>(Arrays.asList(instances));
    }

    /** A request built from attribute maps; header names are matched without regard to case. */
    // ---- rule builders ----

    static Match header(String name, StringMatch condition) {
        return new Match(new String[] {name}, new StringMatch[] {condition}, new String[0], new StringMatch[0],
                new String[0], new StringMatch[0], null, null, new int[0], new StringMatch[0]);
    }

    static Match dubbo(String method, int argIndex, StringMatch argCondition) {
        return new Match(new String[0], new StringMatch[0], new String[0], new StringMatch[0],
                new String[0], new StringMatch[0], null, StringMatch.exact(method), new int[] {argIndex},
                new StringMatch[] {argCondition});
    }

    static LaneRule lane(String tag, Fallback fallback) {
        return new LaneRule(tag, tag, fallback, null);
    }

    static LaneRule lane(String tag, EntryRule entry) {
        return new LaneRule(tag, tag, Fallback.BASE, entry);
    }

    static RouteRule route(String service, Match match, WeightedTag... to) {
        return new RouteRule("route-" + service, service, match, Arrays.asList(to));
    }

    static WeightedTag to(String tag, int weight) {
        return new WeightedTag(tag, weight);
    }

    /** Builds snapshots field by field; every field starts as in {@link RuleSnapshot#EMPTY}. */
    static final class Rules {
        private final List<LaneRule> lanes = new ArrayList<>();
        private final List<RouteRule> routes = new ArrayList<>();
        private WarmupSettings warmup = WarmupSettings.OFF;
        private OutlierSettings outlier = OutlierSettings.OFF;
        private boolean dryRun;

        static Rules rules() {
            return new Rules();
        }

        Rules lanes(LaneRule... values) {
            lanes.addAll(Arrays.asList(values));
            return this;
        }

        Rules routes(RouteRule... values) {
            routes.addAll(Arrays.asList(values));
            return this;
        }

        Rules warmup(WarmupSettings value) {
            warmup = value;
            return this;
        }

        Rules outlier(OutlierSettings value) {
            outlier = value;
            return this;
        }

        Rules dryRun() {
            dryRun = true;
            return this;
        }

        RuleSnapshot build() {
            return new RuleSnapshot("test", "test", START, lanes, routes, warmup, outlier,
                    LosslessSettings.DEFAULT, dryRun);
        }
    }

    /** A router for application "app" over a settable rule snapshot and clock. */
    static final class Harness {
        final AtomicReference<RuleSnapshot> rules = new AtomicReference<>(RuleSnapshot.EMPTY);
        final AtomicLong clock = new AtomicLong(START);
        final LaneMetrics metrics = new LaneMetrics();
        final LaneRouter router;

        Harness() {
            this(null);
        }

        Harness(String instanceTag) {
            router = new LaneRouter("app", instanceTag, rules::get, metrics, clock::get);
        }

        Harness with(Rules r) {
            rules.set(r.build());
            return this;
        }

        long count(String lane, LaneMetrics.Kind kind) {
            return metrics.count(lane, kind);
        }
    }

    /**
     * Fails when {@code hits} of {@code n} independent draws is further from {@code p * n} than
     * Hoeffding's inequality allows at a false-alarm probability of 1e-9:
     * P(|hits/n - p| >= t) <= 2 exp(-2 n t^2), so t = sqrt(ln(2e9) / (2n)).
     */
    static void assertShare(long hits, long n, double p, String what) {
        double t = Math.sqrt(Math.log(2e9) / (2.0 * n));
        double share = (double) hits / n;
        if (Math.abs(share - p) > t) {
            throw new AssertionError(what + ": share " + share + " of " + n + " draws, expected " + p + " +- " + t);
        }
    }
}
