package dev.lanes.core.routing;

import dev.lanes.bridge.InstanceView;
import dev.lanes.bridge.LaneUnavailableException;
import dev.lanes.core.rules.Fallback;
import dev.lanes.core.rules.OutlierSettings;
import dev.lanes.core.rules.StringMatch;
import dev.lanes.core.rules.WarmupSettings;
import dev.lanes.core.routing.Fixtures.Harness;
import dev.lanes.core.routing.Fixtures.Inst;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.lanes.core.routing.Fixtures.Rules.rules;
import static dev.lanes.core.routing.Fixtures.START;
import static dev.lanes.core.routing.Fixtures.VIEW;
import static dev.lanes.core.routing.Fixtures.assertShare;
import static dev.lanes.core.routing.Fixtures.base;
import static dev.lanes.core.routing.Fixtures.header;
import static dev.lanes.core.routing.Fixtures.lane;
import static dev.lanes.core.routing.Fixtures.list;
import static dev.lanes.core.routing.Fixtures.route;
import static dev.lanes.core.routing.Fixtures.started;
import static dev.lanes.core.routing.Fixtures.tagged;
import static dev.lanes.core.routing.Fixtures.to;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The grouping of candidates per list ({@link CandidateGroups}) must never show: a new list, new
 * rules, the passing of time for warm-up, and a list edited in place as its class comment
 * describes are all seen by the very next call.
 */
class CandidateGroupsTest {

    private static final int DRAWS = 20_000;

    /** Calls enough for the list to be grouped (it is grouped the second time it is seen). */
    private static void warm(Harness h, List<Inst> candidates) {
        for (int i = 0; i < 10; i++) {
            h.router.choose("order", candidates, VIEW, null, null, DescribedRequest.of());
        }
    }

    private static Set<Inst> chosen(Harness h, List<Inst> candidates, String trafficTag) {
        Set<Inst> seen = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            seen.add(h.router.choose("order", candidates, VIEW, trafficTag, null, DescribedRequest.of()));
        }
        return seen;
    }

    @Test
    void aListSeenAgainIsNotReadAgain() {
        Harness h = new Harness().with(rules().lanes(lane("gray", Fallback.BASE))
                .warmup(new WarmupSettings(true, 40_000L, 1.0, 10)));
        List<Inst> all = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            all.add(started("10.2.0." + i + ":80", i % 10 == 0 ? "gray" : null, i % 7 == 0 ? START - 10_000L : -1));
        }
        int[] reads = new int[1];
        InstanceView<Inst> counting = new InstanceView<Inst>() {
            @Override
            public String tag(Inst instance) {
                reads[0]++;
                return instance.tag();
            }

            @Override
            public long startMillis(Inst instance) {
                reads[0]++;
                return instance.start();
            }

            @Override
            public String address(Inst instance) {
                reads[0]++;
                return instance.address();
            }
        };
        for (int i = 0; i < 2; i++) {
            h.router.choose("order", all, counting, null, null, DescribedRequest.of());
        }
        reads[0] = 0;
        for (int i = 0; i < 1_000; i++) {
            assertNull(h.router.choose("order", all, counting, null, null, DescribedRequest.of()).tag());
        }
        // One read per call: the tag of the instance picked, checked against its group.
        assertEquals(1_000, reads[0]);
    }

    @Test
    void aNewListOfTheSameSizeWithOtherTagsIsSeenAtOnce() {
        Harness h = new Harness().with(rules().lanes(lane("gray", Fallback.BASE)));
        Inst a0 = base("10.0.0.1:80");
        Inst a1 = base("10.0.0.2:80");
        Inst a2 = tagged("10.0.0.3:80", "gray");
        List<Inst> before = list(a0, a1, a2);
        warm(h, before);
        assertEquals(Set.of(a0, a1), chosen(h, before, null));

        // Same addresses, same size, the tags moved: a registry push hands out a new list.
        Inst b0 = tagged("10.0.0.1:80", "gray");
        Inst b1 = base("10.0.0.2:80");
        Inst b2 = base("10.0.0.3:80");
        List<Inst> after = list(b0, b1, b2);
        assertSame(b0, h.router.choose("order", after, VIEW, "gray", null, DescribedRequest.of()), "first call on the new list");
        assertEquals(Set.of(b1, b2), chosen(h, after, null));
        assertEquals(Set.of(b0), chosen(h, after, "gray"));
        assertEquals(list(b1, b2), h.router.eligible("order", after, VIEW, null, null, DescribedRequest.of()));
    }

    @Test
    void aRuleChangeIsSeenAtOnce() {
        Inst b1 = base("10.0.0.1:80");
        Inst b2 = base("10.0.0.2:80");
        Inst d1 = tagged("10.0.2.1:80", "dev1");
        List<Inst> all = list(b1, b2, d1);
        Harness h = new Harness().with(rules().lanes(lane("gray", Fallback.BASE)));
        DescribedRequest dev = DescribedRequest.of().header("x-env", "dev1");
        warm(h, all);
        for (int i = 0; i < 10; i++) {
            assertTrue(h.router.choose("order", all, VIEW, null, null, dev) != d1);
        }

        h.with(rules().lanes(lane("gray", Fallback.NONE))
                .routes(route("order", header("x-env", StringMatch.exact("dev1")), to("dev1", 100))));
        assertSame(d1, h.router.choose("order", all, VIEW, null, null, dev), "a new route applies to the next call");
        assertThrows(LaneUnavailableException.class, () -> h.router.choose("order", all, VIEW, "gray", null, DescribedRequest.of()),
                "a lane made strict applies to the next call");
    }

    @Test
    void warmUpWeightsFollowTheCurveOverTime() {
        // Linear over 40 s: the fresh instance weighs 25 at 10 s, 75 at 30 s, 100 from 40 s on.
        Harness h = new Harness().with(rules().warmup(new WarmupSettings(true, 40_000L, 1.0, 10)));
        Inst warm = started("10.0.0.8:80", null, START - 3_600_000L);
        Inst fresh = started("10.0.0.9:80", null, START - 10_000L);
        Inst gray = started("10.0.1.1:80", "gray", START - 3_600_000L);
        List<Inst> all = list(warm, fresh, gray);

        assertShare(freshPicks(h, all, fresh), DRAWS, 25.0 / 125.0, "at 10 s");
        h.clock.addAndGet(20_000L);
        assertShare(freshPicks(h, all, fresh), DRAWS, 75.0 / 175.0, "at 30 s");
        h.clock.addAndGet(10_000L);
        assertShare(freshPicks(h, all, fresh), DRAWS, 0.5, "at 40 s, warm");
    }

    private static int freshPicks(Harness h, List<Inst> all, Inst fresh) {
        int picks = 0;
        for (int i = 0; i < DRAWS; i++) {
            if (h.router.choose("order", all, VIEW, null, null, DescribedRequest.of()) == fresh) {
                picks++;
            }
        }
        return picks;
    }

    @Test
    void weightsAreNeverCachedPastTheEdgeOfAWindow() {
        // All candidates base: while weights differ the router picks; once equal, the framework does.
        Harness h = new Harness().with(rules().warmup(new WarmupSettings(true, 40_000L, 1.0, 10)));
        Inst warm = started("10.0.0.8:80", null, START - 3_600_000L);
        Inst fresh = started("10.0.0.9:80", null, START - 39_500L);
        Inst skewed = started("10.0.0.7:80", null, START + 40_500L);
        List<Inst> all = list(warm, fresh, skewed);

        for (int i = 0; i < 10; i++) {
            assertNotNull(h.router.choose("order", all, VIEW, null, null, DescribedRequest.of()), "99 against 100");
        }
        h.clock.addAndGet(500L);    // the window of the fresh instance ends, less than 1 s later
        for (int i = 0; i < 10; i++) {
            assertNull(h.router.choose("order", all, VIEW, null, null, DescribedRequest.of()), "all at 100");
        }
        h.clock.addAndGet(40_000L); // the start the skewed clock published comes: it was there at the first call
        assertNull(h.router.choose("order", all, VIEW, null, null, DescribedRequest.of()), "a start in the future is"
                + " not believed; the instance was there when the service was first routed: warm");
        h.clock.addAndGet(-60_000L); // a clock that steps back is not served weights of the future
        assertNotNull(h.router.choose("order", all, VIEW, null, null, DescribedRequest.of()), "the fresh instance warms again");
    }

    @Test
    void ejectionIsAppliedPerCallOnTheCachedGroup() {
        // Panic threshold 10%: 27 of 30 ejected still leaves 10%, so ejection applies.
        OutlierSettings loose = new OutlierSettings(true, 1, 10_000L, 30_000L, 100, 10);
        Harness h = new Harness().with(rules().outlier(loose).warmup(new WarmupSettings(true, 40_000L, 1.0, 10)));
        List<Inst> all = new ArrayList<>();
        List<Inst> healthy = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            // Warming instances among the ejected too: the weighted pick must skip them as well.
            Inst instance = started("10.1.0." + i + ":80", null, i % 2 == 0 ? START - 10_000L : -1);
            all.add(instance);
            if (i % 10 == 3) {
                healthy.add(instance);
            }
        }
        all.add(tagged("10.1.1.1:80", "gray"));
        warm(h, all);
        for (Inst instance : all) {
            if (instance.tag() == null && !healthy.contains(instance)) {
                h.router.record("order", instance.address(), false);
            }
        }
        Map<Inst, Integer> picks = new HashMap<>();
        for (int i = 0; i < DRAWS; i++) {
            Inst pick = h.router.choose("order", all, VIEW, null, null, DescribedRequest.of());
            assertTrue(healthy.contains(pick), "an ejected or gray instance was chosen: " + pick);
            picks.merge(pick, 1, Integer::sum);
        }
        // 10.1.0.3, .13 and .23 have no start time (weight 100): one third each.
        for (Inst instance : healthy) {
            assertShare(picks.getOrDefault(instance, 0), DRAWS, 1.0 / 3.0, "share of " + instance);
        }
        h.clock.addAndGet(30_000L);  // ejections expire: the whole base group again
        Set<Inst> seen = new HashSet<>();
        for (int i = 0; i < DRAWS; i++) {
            seen.add(h.router.choose("order", all, VIEW, null, null, DescribedRequest.of()));
        }
        assertEquals(30, seen.size());
    }

    /** An instance whose tag can change in place, as a mutable metadata map would allow. */
    static final class Mutable {
        final String address;
        volatile String tag;

        Mutable(String address, String tag) {
            this.address = address;
            this.tag = tag;
        }

        static final InstanceView<Mutable> VIEW = new InstanceView<Mutable>() {
            @Override
            public String tag(Mutable instance) {
                return instance.tag;
            }

            @Override
            public long startMillis(Mutable instance) {
                return -1;
            }

            @Override
            public String address(Mutable instance) {
                return instance.address;
            }
        };
    }

    @Test
    void aListEditedInPlaceIsSeenBySizeOrEndsOrThePickedInstance() {
        Harness h = new Harness().with(rules().lanes(lane("gray", Fallback.BASE)));
        List<Mutable> reused = new ArrayList<>();
        Mutable gray = new Mutable("10.0.0.0:80", "gray");
        reused.add(gray);
        for (int i = 1; i < 7; i++) {
            reused.add(new Mutable("10.0.0." + i + ":80", null));
        }
        for (int i = 0; i < 10; i++) {
            assertTrue(h.router.choose("order", reused, Mutable.VIEW, null, null, DescribedRequest.of()) != gray);
        }

        // Same object, one more instance (size), or a first/middle/last element replaced: seen.
        Mutable added = new Mutable("10.0.0.7:80", "gray");
        reused.add(added);
        List<Mutable> kept = h.router.eligible("order", reused, Mutable.VIEW, null, null, DescribedRequest.of());
        assertEquals(6, kept.size());
        assertTrue(!kept.contains(added) && !kept.contains(gray));
        Mutable middle = new Mutable("10.0.0.9:80", "gray");
        reused.set(reused.size() >>> 1, middle);
        for (int i = 0; i < 2_000; i++) {
            Mutable pick = h.router.choose("order", reused, Mutable.VIEW, null, null, DescribedRequest.of());
            assertTrue(pick.tag == null, "untagged traffic reached " + pick.address);
        }

        // An instance's tag changed in place, list untouched: caught when it is picked.
        Mutable flipped = reused.get(2);
        flipped.tag = "gray";
        for (int i = 0; i < 2_000; i++) {
            Mutable pick = h.router.choose("order", reused, Mutable.VIEW, null, null, DescribedRequest.of());
            assertTrue(pick.tag == null, "untagged traffic reached " + pick.address);
        }
        for (Mutable m : h.router.eligible("order", reused, Mutable.VIEW, null, null, DescribedRequest.of())) {
            assertNull(m.tag, "eligible handed out " + m.address);
        }
        Set<Mutable> seen = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            seen.add(h.router.choose("order", reused, Mutable.VIEW, "gray", null, DescribedRequest.of()));
        }
        assertEquals(Set.of(gray, added, middle, flipped), seen, "once re-grouped, the new gray instance is used");
    }

    @Test
    void thePrometheusPageListsTheInstancesStillWarmingUp() {
        WarmupSettings warmup = new WarmupSettings(true, 40_000L, 1.0, 10);
        Harness h = new Harness().with(rules().warmup(warmup));
        Inst fresh = started("10.3.0.1:80", "gray", START - 10_000L);
        List<Inst> all = list(base("10.3.0.2:80"), fresh);
        warm(h, all);

        StringBuilder page = new StringBuilder();
        h.router.writePrometheus(page);
        int expected = WarmupWeight.percent(warmup, START - 10_000L, START);
        assertTrue(expected > 0 && expected < 100, "a quarter into its window: " + expected);
        assertTrue(page.toString().contains("lanes_instance_warmup_percent{service=\"order\",address=\"10.3.0.1:80\","
                + "tag=\"gray\"} " + expected + "\n"), page.toString());
        assertTrue(!page.toString().contains("10.3.0.2:80"), "a warm instance is not listed");

        h.clock.addAndGet(40_000L);
        StringBuilder later = new StringBuilder();
        h.router.writePrometheus(later);
        assertTrue(!later.toString().contains("10.3.0.1:80"), "warm at the end of its window: " + later);
    }

    @Test
    void aServiceWhoseCallerHandsANewListToEveryCallIsListedAndExplained() {
        // A Spring Cloud balancer without its instance cache, a Dubbo 3 router chain: never grouped.
        Harness h = new Harness().with(rules().lanes(lane("gray", Fallback.BASE)));
        Inst b1 = base("10.0.0.1:80");
        Inst g1 = tagged("10.0.0.2:80", "gray");
        for (int i = 0; i < 10; i++) {
            h.router.eligible("order", new ArrayList<>(list(b1, g1)), VIEW, "gray", null, DescribedRequest.of());
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) h.router.calledServices().get("order");
        assertNotNull(rows, "listed although never grouped: " + h.router.calledServices());
        assertEquals(2, rows.size());
        assertEquals("10.0.0.1:80", rows.get(0).get("address"));
        assertEquals("base", rows.get(0).get("tag"));
        assertEquals("gray", rows.get(1).get("tag"));

        RouteDecision<?> d = h.router.explainLastSeen("order", "gray", null, DescribedRequest.of());
        assertNotNull(d);
        assertEquals(RouteDecision.Outcome.ROUTED, d.outcome());
        assertEquals(List.of("10.0.0.2:80"), d.eligible().stream().map(String::valueOf).toList());

        // The copy is refreshed from a call at most once a second: the gray instance left.
        Inst b2 = base("10.0.0.3:80");
        h.router.eligible("order", new ArrayList<>(list(b1, b2)), VIEW, "gray", null, DescribedRequest.of());
        assertEquals(2, ((List<?>) h.router.calledServices().get("order")).size());
        assertEquals(RouteDecision.Outcome.ROUTED,
                h.router.explainLastSeen("order", "gray", null, DescribedRequest.of()).outcome(), "not yet refreshed");
        h.clock.addAndGet(CandidateGroups.SEEN_REFRESH_MILLIS);
        h.router.eligible("order", new ArrayList<>(list(b1, b2)), VIEW, "gray", null, DescribedRequest.of());
        assertEquals(RouteDecision.Outcome.FALLBACK_BASE,
                h.router.explainLastSeen("order", "gray", null, DescribedRequest.of()).outcome());
    }

    @Test
    void aGroupedListIsListedAfterTheFrameworkDroppedIt() {
        Harness h = new Harness().with(rules().lanes(lane("gray", Fallback.BASE)));
        List<Inst> candidates = list(base("10.0.0.1:80"), tagged("10.0.0.2:80", "gray"));
        warm(h, candidates);
        candidates = null;
        System.gc();
        assertEquals(2, ((List<?>) h.router.calledServices().get("order")).size());
        assertNotNull(h.router.explainLastSeen("order", null, null, DescribedRequest.of()));
    }
}
