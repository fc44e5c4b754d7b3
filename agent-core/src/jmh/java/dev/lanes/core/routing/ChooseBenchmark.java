package dev.lanes.core.routing;

import dev.lanes.bridge.InstanceView;
import dev.lanes.bridge.RequestView;
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
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link LaneRouter#choose} over a realistic service: 10% of instances tagged gray, 10% dev1
 * (a strict lane), one instance in seven warming up, one base instance ejected, and two custom
 * routes. Run with {@code -prof gc}: gc.alloc.rate.norm is the bytes allocated per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ChooseBenchmark {

    private static final String SERVICE = "order-service";

    @Param({"10", "100", "1000"})
    public int instances;

    private LaneRouter router;
    private LaneRouter noRules;
    private List<Node> candidates;
    private List<Node> untaggedCandidates;
    private final RequestView plain = new Headers(null, null);
    private final RequestView canary = new Headers("x-canary", "1");

    @Setup(Level.Trial)
    public void setUp() {
        long now = System.currentTimeMillis();
        RuleSnapshot rules = new RuleSnapshot("bench", "bench", now,
                Arrays.asList(new LaneRule("gray", "gray", Fallback.BASE, null),
                        new LaneRule("dev1", "dev1", Fallback.NONE, null)),
                Arrays.asList(
                        new RouteRule("dev1-by-header", SERVICE, header("x-env", StringMatch.exact("dev1")),
                                Collections.singletonList(new WeightedTag("dev1", 100))),
                        new RouteRule("canary-split", SERVICE, header("x-canary", StringMatch.present()),
                                Arrays.asList(new WeightedTag(null, 80), new WeightedTag("gray", 20)))),
                new WarmupSettings(true, 120_000L, 2.0, 10),
                new OutlierSettings(true, 5, 10_000L, 3_600_000L, 50, 50),
                LosslessSettings.DEFAULT, false);
        router = new LaneRouter("gateway", null, () -> rules, new LaneMetrics(), System::currentTimeMillis);
        noRules = new LaneRouter("gateway", null, () -> RuleSnapshot.EMPTY, new LaneMetrics(),
                System::currentTimeMillis);

        candidates = new ArrayList<>();
        untaggedCandidates = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            String tag = i % 10 == 0 ? "gray" : i % 10 == 5 ? "dev1" : null;
            // Warming instances stay inside the 120 s window for the whole run.
            long start = i % 7 == 3 ? now - 20_000L : now - 3_600_000L;
            String address = "10.0." + (i / 250) + "." + (i % 250) + ":8080";
            candidates.add(new Node(address, tag, start));
            untaggedCandidates.add(new Node(address, null, -1));
        }
        // One base instance fails five times in a row: ejected for the rest of the run.
        for (int i = 0; i < 5; i++) {
            router.record(SERVICE, candidates.get(1).address, false);
        }
    }

    /** Untagged traffic: base instances, minus the ejected one, weighted by warm-up. */
    @Benchmark
    public Node untagged() {
        return router.choose(SERVICE, candidates, Node.VIEW, null, null, plain);
    }

    /** Gray traffic: the gray instances, weighted by warm-up. */
    @Benchmark
    public Node tagged() {
        return router.choose(SERVICE, candidates, Node.VIEW, "gray", null, plain);
    }

    /**
     * Gray traffic as Spring Cloud LoadBalancer asks: the eligible instances, a new list for the
     * application's balancer to choose from.
     */
    @Benchmark
    public List<Node> taggedEligible() {
        return router.eligible(SERVICE, candidates, Node.VIEW, "gray", null, plain);
    }

    /** A request matching the 80/20 route: a weighted destination, then the same filtering. */
    @Benchmark
    public Node routed() {
        return router.choose(SERVICE, candidates, Node.VIEW, null, null, canary);
    }

    /** The agent attached but unused: no rules, no tagged instance; choose returns null. */
    @Benchmark
    public Node noRulesNoTags() {
        return noRules.choose(SERVICE, untaggedCandidates, Node.VIEW, null, null, plain);
    }

    private static Match header(String name, StringMatch condition) {
        return new Match(new String[] {name}, new StringMatch[] {condition}, new String[0], new StringMatch[0],
                new String[0], new StringMatch[0], null, null, new int[0], new StringMatch[0]);
    }

    /** An instance as a plugin would see it: address, tag and start time from metadata. */
    public static final class Node {
        static final InstanceView<Node> VIEW = new InstanceView<Node>() {
            @Override
            public String tag(Node instance) {
                return instance.tag;
            }

            @Override
            public long startMillis(Node instance) {
                return instance.start;
            }

            @Override
            public String address(Node instance) {
                return instance.address;
            }
        };

        final String address;
        final String tag;
        final long start;

        Node(String address, String tag, long start) {
            this.address = address;
            this.tag = tag;
            this.start = start;
        }
    }

    /** A request with at most one header. */
    private static final class Headers implements RequestView {
        private final String name;
        private final String value;

        Headers(String name, String value) {
            this.name = name;
            this.value = value;
        }

        @Override
        public String header(String header) {
            return name != null && name.equalsIgnoreCase(header) ? value : null;
        }

        @Override
        public String cookie(String cookie) {
            return null;
        }

        @Override
        public String query(String query) {
            return null;
        }

        @Override
        public String path() {
            return "/orders";
        }

        @Override
        public String method() {
            return "GET";
        }

        @Override
        public Object argument(int index) {
            return null;
        }
    }
}
