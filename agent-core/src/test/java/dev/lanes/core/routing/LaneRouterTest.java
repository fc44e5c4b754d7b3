package dev.lanes.core.routing;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.InstanceView;
import dev.lanes.bridge.LaneUnavailableException;
import dev.lanes.bridge.RequestView;
import dev.lanes.core.rules.EntryRule;
import dev.lanes.core.rules.EntryRule.StickyKey;
import dev.lanes.core.rules.Fallback;
import dev.lanes.core.rules.OutlierSettings;
import dev.lanes.core.rules.RuleSnapshot;
import dev.lanes.core.rules.StringMatch;
import dev.lanes.core.rules.WarmupSettings;
import dev.lanes.core.routing.Fixtures.Harness;
import dev.lanes.core.routing.Fixtures.Inst;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.lanes.core.routing.Fixtures.Rules.rules;
import static dev.lanes.core.routing.Fixtures.START;
import static dev.lanes.core.routing.Fixtures.VIEW;
import static dev.lanes.core.routing.Fixtures.assertShare;
import static dev.lanes.core.routing.Fixtures.base;
import static dev.lanes.core.routing.Fixtures.dubbo;
import static dev.lanes.core.routing.Fixtures.header;
import static dev.lanes.core.routing.Fixtures.lane;
import static dev.lanes.core.routing.Fixtures.list;
import static dev.lanes.core.routing.Fixtures.route;
import static dev.lanes.core.routing.Fixtures.started;
import static dev.lanes.core.routing.Fixtures.tagged;
import static dev.lanes.core.routing.Fixtures.to;
import static dev.lanes.core.routing.LaneMetrics.Kind.DRY_RUN_DIFFERENCE;
import static dev.lanes.core.routing.LaneMetrics.Kind.FALLBACK_ANY;
import static dev.lanes.core.routing.LaneMetrics.Kind.FALLBACK_BASE;
import static dev.lanes.core.routing.LaneMetrics.Kind.INBOUND;
import static dev.lanes.core.routing.LaneMetrics.Kind.ROUTED;
import static dev.lanes.core.routing.LaneMetrics.Kind.STRICT_FAILURE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LaneRouterTest {

    private static final int DRAWS = 20_000;

    private final Inst b1 = base("10.0.0.1:80");
    private final Inst b2 = base("10.0.0.2:80");
    private final Inst b3 = base("10.0.0.3:80");
    private final Inst g1 = tagged("10.0.1.1:80", "gray");
    private final Inst g2 = tagged("10.0.1.2:80", "gray");
    private final Inst d1 = tagged("10.0.2.1:80", "dev1");

    /** Every instance {@code choose} returned over many calls (null included when it passed). */
    private static Set<Inst> chosen(Harness h, String service, List<Inst> candidates, String tag,
                                    RequestView request) {
        Set<Inst> seen = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            seen.add(h.router.choose(service, candidates, VIEW, tag, null, request));
        }
        return seen;
    }

    @Nested
    class Row1UntaggedGoesToBase {

        @Test
        void untaggedTrafficReachesOnlyBaseInstances() {
            Harness h = new Harness();
            List<Inst> all = list(b1, g1, b2, d1);

            assertEquals(list(b1, b2), h.router.eligible("order", all, VIEW, null, null, DescribedRequest.of()));
            assertEquals(Set.of(b1, b2), chosen(h, "order", all, null, DescribedRequest.of()));
            assertTrue(h.count("base", ROUTED) > 0);
            assertEquals(0, h.count("base", FALLBACK_ANY));
        }

        @Test
        void serviceWithoutBaseInstanceTakesAnyInstanceAndCountsFallback() {
            Harness h = new Harness();
            List<Inst> all = list(g1, d1);

            assertSame(all, h.router.eligible("order", all, VIEW, null, null, DescribedRequest.of()));
            assertEquals(1, h.count("base", FALLBACK_ANY));
            assertNull(h.router.choose("order", all, VIEW, null, null, DescribedRequest.of()), "the framework's own choice stands");
            assertEquals(2, h.count("base", FALLBACK_ANY));
        }

        @Test
        void onlyBaseInstancesLeavesTheListAsItIs() {
            Harness h = new Harness();
            List<Inst> all = list(b1, b2);

            assertSame(all, h.router.eligible("order", all, VIEW, null, null, DescribedRequest.of()));
            assertNull(h.router.choose("order", all, VIEW, null, null, DescribedRequest.of()));
        }
    }

    @Nested
    class Row2TaggedGoesToItsLane {

        @Test
        void taggedTrafficReachesOnlyItsLane() {
            Harness h = new Harness();
            List<Inst> all = list(b1, g1, b2, g2, d1);

            assertEquals(list(g1, g2), h.router.eligible("order", all, VIEW, "gray", null, DescribedRequest.of()));
            assertEquals(Set.of(g1, g2), chosen(h, "order", all, "gray", DescribedRequest.of()));
            assertEquals(Set.of(d1), chosen(h, "order", all, "dev1", DescribedRequest.of()));
            assertTrue(h.count("gray", ROUTED) > 0);
        }

        @Test
        void laneWithoutInstancesFallsBackToBase() {
            Harness h = new Harness().with(rules().lanes(lane("gray", Fallback.BASE)));
            List<Inst> all = list(b1, d1, b2);

            assertEquals(list(b1, b2), h.router.eligible("order", all, VIEW, "gray", null, DescribedRequest.of()));
            assertEquals(1, h.count("gray", FALLBACK_BASE));
        }

        @Test
        void laneWithoutInstancesOrBaseTakesAnyInstance() {
            Harness h = new Harness();
            List<Inst> all = list(d1, g1);
            Inst only = tagged("10.0.3.1:80", "other");

            assertSame(all, h.router.eligible("order", all, VIEW, "blue", null, DescribedRequest.of()));
            assertEquals(1, h.count("blue", FALLBACK_ANY));
            assertNull(h.router.choose("order", List.of(only), VIEW, "blue", null, DescribedRequest.of()));
        }

        @Test
        void strictLaneWithoutInstancesFailsNamingServiceAndLane() {
            Harness h = new Harness().with(rules().lanes(lane("dev1", Fallback.NONE)));
            List<Inst> all = list(b1, g1);

            LaneUnavailableException e = assertThrows(LaneUnavailableException.class,
                    () -> h.router.eligible("order", all, VIEW, "dev1", null, DescribedRequest.of()));
            assertEquals("order", e.service());
            assertEquals("dev1", e.lane());
            assertTrue(e.getMessage().contains("'order'") && e.getMessage().contains("'dev1'"), e.getMessage());
            assertThrows(LaneUnavailableException.class,
                    () -> h.router.choose("order", all, VIEW, "dev1", null, DescribedRequest.of()));
            assertEquals(2, h.count("dev1", STRICT_FAILURE));
        }

        @Test
        void strictLaneWithInstancesRoutesNormally() {
            Harness h = new Harness().with(rules().lanes(lane("dev1", Fallback.NONE)));
            List<Inst> all = list(b1, d1);

            assertEquals(d1, h.router.choose("order", all, VIEW, "dev1", null, DescribedRequest.of()));
            assertEquals(0, h.count("dev1", STRICT_FAILURE));
        }
    }

    @Nested
    class Row3TagSurvivesFallback {

        @Test
        void afterABaseHopTheNextHopPrefersTheLaneAgain() {
            Harness h = new Harness();
            List<Inst> inventory = list(b1, d1, b2);      // no gray instance: fallback
            List<Inst> payment = list(b3, g1, g2);        // gray instances: back into the lane

            // The engine never changes the hop's tag: the next hop routes by the same tag.
            assertEquals(Set.of(b1, b2), chosen(h, "inventory", inventory, "gray", DescribedRequest.of()));
            assertEquals(Set.of(g1, g2), chosen(h, "payment", payment, "gray", DescribedRequest.of()));
            assertTrue(h.count("gray", FALLBACK_BASE) > 0);
            assertTrue(h.count("gray", ROUTED) > 0);
        }
    }

    @Nested
    class Row4NodeDyeing {

        @Test
        void untaggedRequestEnteringATaggedInstanceTakesItsTag() {
            Harness h = new Harness("gray");

            assertEquals("gray", h.router.inbound(null, DescribedRequest.of()));
            assertEquals("gray", h.router.instanceTag());
            assertEquals(1, h.count("gray", INBOUND));
        }

        @Test
        void requestThatCarriesATagKeepsIt() {
            Harness h = new Harness("gray");

            assertEquals("dev1", h.router.inbound("dev1", DescribedRequest.of()));
            assertEquals(1, h.count("dev1", INBOUND));
            assertEquals(0, h.count("gray", INBOUND));
        }

        @Test
        void untaggedRequestEnteringABaseInstanceStaysUntagged() {
            Harness h = new Harness();

            assertNull(h.router.inbound(null, DescribedRequest.of()));
            assertNull(h.router.inbound(null, null));
            assertEquals(2, h.count("base", INBOUND));
        }

        @Test
        void workThatStartsOnATaggedInstanceOutsideAnyRequestPrefersItsLane() {
            Harness h = new Harness("gray");
            List<Inst> all = list(b1, g1, d1);

            assertEquals(list(g1), h.router.eligible("order", all, VIEW, null, null, DescribedRequest.of()), "no request: the instance's tag");
            assertEquals(list(b1), h.router.eligible("stock", list(b1, d1), VIEW, null, null, DescribedRequest.of()),
                    "no gray instance: base, as any gray traffic");
            assertEquals(list(d1), h.router.eligible("order", all, VIEW, "dev1", null, DescribedRequest.of()),
                    "a tag the work carries still wins");
        }

        @Test
        void workThatStartsOnABaseInstanceStaysUntagged() {
            Harness h = new Harness();
            assertEquals(list(b1), h.router.eligible("order", list(b1, g1, d1), VIEW, null, null, DescribedRequest.of()));
        }

        @Test
        void malformedInstanceTagMakesABaseInstance() {
            assertNull(new Harness("not a tag").router.instanceTag());
            assertNull(new Harness("").router.inbound(null, DescribedRequest.of()));
        }
    }

    @Nested
    class Row5HeaderIsolation {

        @Test
        void carriedTagKeepsTheChainInItsEnvironmentWhereverItHasInstances() {
            Harness h = new Harness();
            List<Inst> gateway = list(b1, d1);
            List<Inst> orders = list(b2, g1);       // no dev1 here
            List<Inst> payments = list(b3, d1);

            String tag = h.router.inbound("dev1", DescribedRequest.of().header("x-lanes-tag", "dev1"));
            assertEquals("dev1", tag);
            assertEquals(Set.of(d1), chosen(h, "gateway", gateway, tag, DescribedRequest.of()));
            assertEquals(Set.of(b2), chosen(h, "orders", orders, tag, DescribedRequest.of()));
            assertEquals(Set.of(d1), chosen(h, "payments", payments, tag, DescribedRequest.of()));
        }

        @Test
        void malformedCarriedTagIsTreatedAsAbsent() {
            Harness h = new Harness("gray");
            assertEquals("gray", h.router.inbound("", DescribedRequest.of()));
            assertEquals("gray", h.router.inbound("bad tag", DescribedRequest.of()));
        }
    }

    @Nested
    class Row6CustomRoutes {

        private final List<Inst> all = list(b1, g1, d1, b2);

        @Test
        void routesSeeTheHeadersCarriedFromAnEarlierHop() {
            Harness h = new Harness().with(rules().routes(
                    route("order", header("x-env", StringMatch.exact("dev1")), to("dev1", 100))));
            List<Inst> all = list(b1, g1, d1);
            dev.lanes.bridge.CarriedHeaders carried = dev.lanes.bridge.CarriedHeaders.of("x-env", "dev1");
            assertEquals(list(d1), h.router.eligible("order", all, VIEW, "gray", carried, DescribedRequest.of()),
                    "the request at this hop lacks x-env; the carried value matches");
            assertEquals(list(g1), h.router.eligible("order", all, VIEW, "gray", carried,
                    DescribedRequest.of().header("x-env", "prod")), "a value on the request itself wins over the carried one");
            assertEquals(list(b1), h.router.eligible("order", all, VIEW, null, null, DescribedRequest.of()), "nothing carried, no route");
        }

        @Test
        void matchingRouteWinsOverTheTrafficTag() {
            Harness h = new Harness().with(rules().routes(
                    route("order", header("x-env", StringMatch.exact("dev1")), to("dev1", 100))));
            DescribedRequest dev = DescribedRequest.of().header("X-Env", "dev1");

            assertEquals(list(d1), h.router.eligible("order", all, VIEW, "gray", null, dev));
            assertEquals(list(d1), h.router.eligible("order", all, VIEW, null, null, dev));
            assertEquals(list(g1), h.router.eligible("order", all, VIEW, "gray", null, DescribedRequest.of()));
            assertEquals(list(g1), h.router.eligible("stock", all, VIEW, "gray", null, dev),
                    "a route applies to its own service only");
        }

        @Test
        void hasRoutesTellsWhichNamesTheRulesRouteBy() {
            Harness h = new Harness().with(rules().routes(
                    route("order", header("x-env", StringMatch.exact("dev1")), to("dev1", 100))));
            assertTrue(h.router.hasRoutes("order"));
            assertFalse(h.router.hasRoutes("stock"));
            assertFalse(h.router.hasRoutes(null));
            assertFalse(new Harness().router.hasRoutes("order"));
        }

        @Test
        void routeToBaseTakesTaggedTrafficToBaseForThatHop() {
            Harness h = new Harness().with(rules().routes(
                    route("order", header("x-stable", StringMatch.present()), to(null, 100))));

            List<Inst> result = h.router.eligible("order", all, VIEW, "gray", null, DescribedRequest.of().header("x-stable", "1"));
            assertEquals(list(b1, b2), result);
        }

        @Test
        void dubboMethodAndArgumentsMatch() {
            Harness h = new Harness().with(rules().routes(
                    route("order", dubbo("placeOrder", 1, StringMatch.prefix("vip-")), to("gray", 100))));

            assertEquals(list(g1), h.router.eligible("order", all, VIEW, null, null, DescribedRequest.of().method("placeOrder").args(7, "vip-42")));
            assertEquals(list(b1, b2), h.router.eligible("order", all, VIEW, null, null, DescribedRequest.of().method("placeOrder").args(7, "u-42")));
            assertEquals(list(b1, b2), h.router.eligible("order", all, VIEW, null, null, DescribedRequest.of().method("cancel").args(7, "vip-42")));
        }

        @Test
        void firstMatchingRouteInDocumentOrderWins() {
            Harness h = new Harness().with(rules().routes(
                    route("order", header("x-a", StringMatch.present()), to("gray", 100)),
                    route("order", header("x-a", StringMatch.present()), to("dev1", 100))));

            assertEquals(list(g1), h.router.eligible("order", all, VIEW, null, null, DescribedRequest.of().header("x-a", "1")));
        }

        @Test
        void routeTargetWithoutInstancesFollowsTheTargetLane() {
            Harness h = new Harness().with(rules()
                    .lanes(lane("blue", Fallback.NONE))
                    .routes(route("order", header("x-blue", StringMatch.present()), to("blue", 100)),
                            route("order", header("x-green", StringMatch.present()), to("green", 100))));

            assertEquals(list(b1, b2), h.router.eligible("order", all, VIEW, null, null, DescribedRequest.of().header("x-green", "1")));
            assertThrows(LaneUnavailableException.class,
                    () -> h.router.eligible("order", all, VIEW, null, null, DescribedRequest.of().header("x-blue", "1")));
        }

        @Test
        void weightedSplitFollowsTheWeights() {
            Harness h = new Harness().with(rules().routes(
                    route("order", header("x-canary", StringMatch.present()), to(null, 80), to("gray", 20))));
            DescribedRequest canary = DescribedRequest.of().header("x-canary", "yes");

            int gray = 0;
            for (int i = 0; i < DRAWS; i++) {
                List<Inst> result = h.router.eligible("order", all, VIEW, null, null, canary);
                if (result.equals(list(g1))) {
                    gray++;
                } else {
                    assertEquals(list(b1, b2), result);
                }
            }
            assertShare(gray, DRAWS, 0.2, "share of the gray destination");
        }

        @Test
        void weightsSummingToZeroSplitEvenlyInsteadOfFailing() {
            Harness h = new Harness().with(rules().routes(
                    route("order", Fixtures.header("x-z", StringMatch.present()), to("gray", 0), to("dev1", 0))));
            DescribedRequest zero = DescribedRequest.of().header("x-z", "1");

            int gray = 0;
            for (int i = 0; i < DRAWS; i++) {
                List<Inst> result = h.router.eligible("order", all, VIEW, null, null, zero);
                if (result.equals(list(g1))) {
                    gray++;
                } else {
                    assertEquals(list(d1), result);
                }
            }
            assertShare(gray, DRAWS, 0.5, "share of the first destination");
        }

        @Test
        void singleDestinationIgnoresItsWeight() {
            Harness h = new Harness().with(rules().routes(
                    route("order", Fixtures.header("x-z", StringMatch.present()), to("dev1", 0))));

            assertEquals(list(d1), h.router.eligible("order", all, VIEW, null, null, DescribedRequest.of().header("x-z", "1")));
        }

        @Test
        void routeWithoutDestinationDoesNotApply() {
            Harness h = new Harness().with(rules().routes(route("order", null)));

            assertEquals(list(g1), h.router.eligible("order", all, VIEW, "gray", null, DescribedRequest.of()));
        }
    }

    @Nested
    class Row7WarmupAndOutliers {

        private final OutlierSettings outlier = new OutlierSettings(true, 3, 10_000L, 30_000L, 50, 50);

        private void fail(Harness h, String service, Inst instance, int times) {
            for (int i = 0; i < times; i++) {
                h.router.record(service, instance.address(), false);
            }
        }

        @Test
        void warmingInstanceTakesItsWeightedShare() {
            // window 40s, linear: 10s after start the new instance weighs 25 against 100.
            Harness h = new Harness().with(rules().warmup(new WarmupSettings(true, 40_000L, 1.0, 10)));
            Inst fresh = started("10.0.0.9:80", null, START - 10_000L);
            Inst warm = started("10.0.0.8:80", null, START - 3_600_000L);
            List<Inst> all = list(warm, fresh, g1);

            int freshPicks = 0;
            for (int i = 0; i < DRAWS; i++) {
                Inst pick = h.router.choose("order", all, VIEW, null, null, DescribedRequest.of());
                assertNotNull(pick);
                assertTrue(pick == fresh || pick == warm, "untagged traffic stays on base: " + pick);
                if (pick == fresh) {
                    freshPicks++;
                }
            }
            assertShare(freshPicks, DRAWS, 25.0 / 125.0, "share of the warming instance");
        }

        @Test
        void instanceWithoutAStartWarmsUpFromWhenThisInstanceFirstSawIt() {
            Harness h = new Harness().with(rules().warmup(new WarmupSettings(true, 40_000L, 1.0, 10)));
            Inst warm = started("10.0.0.8:80", null, START - 3_600_000L);
            Inst unknown = base("10.0.0.5:80");
            // The first call to the service: an instance already there with no start counts as warm.
            assertEquals(list(warm, unknown), h.router.eligible("order", list(warm, unknown), VIEW, null, null,
                    DescribedRequest.of()));
            assertNull(h.router.pickWeighted("order", list(warm, unknown), VIEW));
            h.clock.addAndGet(5_000L);
            Inst late = base("10.0.0.9:80");
            assertEquals(10, weightOf(h, "order", list(warm, unknown, late), late),
                    "first seen now: the window's minimum weight");
            h.clock.addAndGet(10_000L);
            List<Inst> all = list(warm, late);
            int latePicks = 0;
            for (int i = 0; i < DRAWS; i++) {
                if (h.router.choose("order", all, VIEW, null, null, DescribedRequest.of()) == late) {
                    latePicks++;
                }
            }
            assertShare(latePicks, DRAWS, 25.0 / 125.0, "share 10 s after it was first seen");
            h.clock.addAndGet(30_000L);
            assertNull(h.router.pickWeighted("order", list(warm, unknown, late), VIEW), "warm after the window");
        }

        @Test
        void startInTheFutureCountsFromWhenFirstSeen() {
            Harness h = new Harness().with(rules().warmup(new WarmupSettings(true, 40_000L, 1.0, 10)));
            Inst warm = started("10.0.0.8:80", null, START - 3_600_000L);
            Inst other = started("10.0.0.6:80", null, START - 3_600_000L);
            // The service is first routed with instances that publish their starts.
            assertEquals(list(warm, other), h.router.eligible("order", list(warm, other), VIEW, null, null,
                    DescribedRequest.of()));
            h.clock.addAndGet(5_000L);
            // Its host's clock is a minute ahead: read as is, it would weigh 100 (start unknown).
            Inst ahead = started("10.0.0.9:80", null, h.clock.get() + 60_000L);
            assertEquals(10, weightOf(h, "order", list(warm, ahead), ahead));
            h.clock.addAndGet(20_000L);
            assertEquals(50, weightOf(h, "order", list(warm, ahead), ahead), "20 s into a 40 s linear window");
        }

        /** The warm-up weight the admin view reports for {@code instance} after routing {@code all}. */
        private int weightOf(Harness h, String service, List<Inst> all, Inst instance) {
            h.router.eligible(service, all, VIEW, null, null, DescribedRequest.of());
            RouteDecision<Inst> decision = h.router.explain(service, all, VIEW, null, null, DescribedRequest.of(), -1);
            for (RouteDecision.Candidate<Inst> c : decision.candidates()) {
                if (c.instance() == instance) {
                    return c.warmupPercent();
                }
            }
            throw new AssertionError(instance + " not among " + decision.candidates());
        }

        @Test
        void pickWeightedLeavesEqualWeightsToTheFramework() {
            Harness h = new Harness().with(rules().warmup(new WarmupSettings(true, 40_000L, 1.0, 10)));
            List<Inst> warm = list(started("a:1", null, START - 100_000L), started("b:1", null, -1));
            List<Inst> mixed = list(started("a:1", null, START - 100_000L), started("b:1", null, START - 1_000L));

            assertNull(h.router.pickWeighted("order", warm, VIEW));
            assertNotNull(h.router.pickWeighted("order", mixed, VIEW));
            assertNull(h.router.pickWeighted("order", null, VIEW));
            assertNull(new Harness().router.pickWeighted("order", mixed, VIEW), "warm-up off");
        }

        @Test
        void ejectedInstanceIsLeftOut() {
            Harness h = new Harness().with(rules().outlier(outlier));
            List<Inst> all = list(b1, b2, b3, g1);

            fail(h, "order", b2, 3);
            assertEquals(list(b1, b3), h.router.eligible("order", all, VIEW, null, null, DescribedRequest.of()));
            assertEquals(Set.of(b1, b3), chosen(h, "order", all, null, DescribedRequest.of()));
            assertEquals(list(b1, b2, b3), h.router.eligible("stock", list(b1, b2, b3), VIEW, null, null, DescribedRequest.of()),
                    "ejection is per service");
        }

        @Test
        void fewerErrorsThanTheThresholdOrASuccessInBetweenDoNotEject() {
            Harness h = new Harness().with(rules().outlier(outlier));
            List<Inst> all = list(b1, b2, b3);

            fail(h, "order", b2, 2);
            h.router.record("order", b2.address(), true);
            fail(h, "order", b2, 2);
            assertSame(all, h.router.eligible("order", all, VIEW, null, null, DescribedRequest.of()));
        }

        @Test
        void ejectionExpiresAfterItsTime() {
            Harness h = new Harness().with(rules().outlier(outlier));
            List<Inst> all = list(b1, b2, b3);

            fail(h, "order", b2, 3);
            assertEquals(list(b1, b3), h.router.eligible("order", all, VIEW, null, null, DescribedRequest.of()));
            h.clock.addAndGet(29_999L);
            assertEquals(list(b1, b3), h.router.eligible("order", all, VIEW, null, null, DescribedRequest.of()));
            h.clock.addAndGet(1L);
            assertSame(all, h.router.eligible("order", all, VIEW, null, null, DescribedRequest.of()));
        }

        @Test
        void panicThresholdIgnoresEjectionWhenTooFewWouldRemain() {
            OutlierSettings strictPanic = new OutlierSettings(true, 3, 10_000L, 30_000L, 100, 60);
            Harness h = new Harness().with(rules().outlier(strictPanic));
            List<Inst> all = list(b1, b2, g1, g2);

            fail(h, "order", b1, 3);
            // Base lane: 1 of 2 would remain, 50% < 60%: ejection ignored.
            assertEquals(list(b1, b2), h.router.eligible("order", all, VIEW, null, null, DescribedRequest.of()));
            // Three base instances, one ejected: 2 of 3 = 67% >= 60%: ejection applies.
            List<Inst> three = list(b1, b2, b3, g1);
            assertEquals(list(b2, b3), h.router.eligible("order", three, VIEW, null, null, DescribedRequest.of()));
        }

        @Test
        void ejectionOfTheWholeChosenSetIsIgnored() {
            OutlierSettings noPanic = new OutlierSettings(true, 1, 10_000L, 30_000L, 100, 0);
            Harness h = new Harness().with(rules().outlier(noPanic));
            List<Inst> all = list(b1, g1, g2);

            fail(h, "order", g1, 1);
            fail(h, "order", g2, 1);
            assertEquals(2, h.router.outlierDetector().ejectedCount("order"));
            assertEquals(list(g1, g2), h.router.eligible("order", all, VIEW, "gray", null, DescribedRequest.of()));
        }

        @Test
        void manyEjectionsAreLeftOutToo() {
            OutlierSettings loose = new OutlierSettings(true, 1, 10_000L, 30_000L, 100, 10);
            Harness h = new Harness().with(rules().outlier(loose));
            List<Inst> all = new java.util.ArrayList<>();
            List<Inst> healthy = new java.util.ArrayList<>();
            for (int i = 0; i < 30; i++) {
                Inst instance = base("10.1.0." + i + ":80");
                all.add(instance);
                if (i % 5 < 2) {
                    fail(h, "order", instance, 1);      // 12 ejected: more than the router scans
                } else {
                    healthy.add(instance);
                }
            }
            assertEquals(12, h.router.outlierDetector().ejectedCount("order"));
            assertEquals(healthy, h.router.eligible("order", all, VIEW, null, null, DescribedRequest.of()));
            assertEquals(list(all.get(2), all.get(3)),
                    h.router.eligible("order", list(all.get(0), all.get(1), all.get(2), all.get(3)), VIEW, null, null, DescribedRequest.of()));
        }

        @Test
        void aClosingInstanceIsLeftOutAtOnceEvenWithOutlierDetectionOff() {
            Harness h = new Harness();
            List<Inst> all = list(b1, b2, b3, g1);

            assertTrue(h.router.closing("order", b2.address()), "the first signal of a closing");
            assertFalse(h.router.closing("order", b2.address()), "the same closing again");
            assertEquals(list(b1, b3), h.router.eligible("order", all, VIEW, null, null, DescribedRequest.of()));
            assertEquals(Set.of(b1, b3), chosen(h, "order", all, null, DescribedRequest.of()));
            assertEquals(0, h.router.outlierDetector().ejectedCount("order"), "closing is not an outlier");
            h.clock.addAndGet(OutlierDetector.CLOSING_MILLIS);
            assertEquals(list(b1, b2, b3), h.router.eligible("order", all, VIEW, null, null, DescribedRequest.of()),
                    "for a while");
        }

        @Test
        void aClosingInstanceKeepsThePanicThreshold() {
            Harness h = new Harness();
            List<Inst> all = list(b1, b2, g1);

            h.router.closing("order", b1.address());
            assertEquals(list(b2), h.router.eligible("order", all, VIEW, null, null, DescribedRequest.of()));
            h.router.closing("order", b2.address());
            assertEquals(list(b1, b2), h.router.eligible("order", all, VIEW, null, null, DescribedRequest.of()),
                    "a lane is never emptied by closing instances");
            assertEquals(list(g1), h.router.eligible("order", all, VIEW, "gray", null, DescribedRequest.of()));
        }

        @Test
        void aClosingInstanceComesBackWhenItAnswersACallMadeAfterwards() {
            Harness h = new Harness();
            List<Inst> all = list(b1, b2, b3);

            h.router.closing("order", b2.address());
            h.clock.addAndGet(5_000L);
            // A call in flight since before the closing answers: still closing.
            h.router.completed("order", b2.address(), true, null, null, 6_000_000_000L);
            assertEquals(list(b1, b3), h.router.eligible("order", all, VIEW, null, null, DescribedRequest.of()));
            // A call made after it (a new process on the address, reached while others were out): back.
            h.router.completed("order", b2.address(), true, null, null, 2_000_000_000L);
            assertSame(all, h.router.eligible("order", all, VIEW, null, null, DescribedRequest.of()));
            assertTrue(h.router.closing("order", b2.address()), "a later closing counts again");
        }

        @Test
        void theCalledServicesViewShowsEachInstancesTagWeightAndState() {
            Harness h = new Harness().with(rules().outlier(outlier).warmup(new WarmupSettings(true, 40_000L, 1.0, 10)));
            Inst fresh = started("10.0.0.9:80", null, START - 10_000L);
            List<Inst> all = list(b1, fresh, g1);
            for (int i = 0; i < 2; i++) {
                h.router.eligible("order", all, VIEW, null, null, DescribedRequest.of());   // grouped on the second
            }
            fail(h, "order", b1, 3);
            h.router.closing("order", g1.address());

            @SuppressWarnings("unchecked")
            List<java.util.Map<String, Object>> rows =
                    (List<java.util.Map<String, Object>>) h.router.calledServices().get("order");
            assertEquals(3, rows.size(), String.valueOf(rows));
            java.util.Map<String, Object> ejected = rows.get(0);
            assertEquals(b1.address(), ejected.get("address"));
            assertEquals("base", ejected.get("tag"));
            assertEquals(java.time.Instant.ofEpochMilli(START + 30_000L).toString(), ejected.get("ejectedUntil"));
            assertNull(ejected.get("closingUntil"));
            assertEquals(25, rows.get(1).get("warmupWeightPercent"), "10 s into a 40 s linear window");
            assertEquals(java.time.Instant.ofEpochMilli(START + 30_000L).toString(), rows.get(1).get("warmupEndsAt"));
            assertEquals("gray", rows.get(2).get("tag"));
            assertEquals(java.time.Instant.ofEpochMilli(START + OutlierDetector.CLOSING_MILLIS).toString(),
                    rows.get(2).get("closingUntil"));
        }

        @Test
        void outlierDetectionOffIgnoresErrors() {
            Harness h = new Harness();
            List<Inst> all = list(b1, b2);

            fail(h, "order", b1, 100);
            assertSame(all, h.router.eligible("order", all, VIEW, null, null, DescribedRequest.of()));
            assertEquals(0, h.router.outlierDetector().trackedAddresses("order"));
        }
    }

    @Nested
    class Row9NoRules {

        @Test
        void withoutTaggedInstancesRoutingIsTheFrameworksOwn() {
            Harness h = new Harness();
            List<Inst> all = list(b1, b2, b3);

            assertSame(all, h.router.eligible("order", all, VIEW, null, null, DescribedRequest.of()));
            assertNull(h.router.choose("order", all, VIEW, null, null, DescribedRequest.of()));
            assertSame(all, h.router.eligible("order", all, VIEW, "gray", null, DescribedRequest.of()));
            assertNull(h.router.choose("order", all, VIEW, "gray", null, DescribedRequest.of()));
            assertNull(h.router.pickWeighted("order", all, VIEW));
        }

        @Test
        void taggingInstancesIsEnoughForLanesAndFallback() {
            Harness h = new Harness("gray");
            List<Inst> all = list(b1, g1, d1);

            String tag = h.router.inbound(null, DescribedRequest.of());
            assertEquals("gray", tag);
            assertEquals(list(g1), h.router.eligible("order", all, VIEW, tag, null, DescribedRequest.of()));
            assertEquals(list(b1), h.router.eligible("stock", list(b1, d1), VIEW, tag, null, DescribedRequest.of()));
            assertEquals(list(g1), h.router.eligible("order", all, VIEW, null, null, DescribedRequest.of()),
                    "the gray instance's own work stays in its lane");
            assertEquals(list(b1), new Harness().router.eligible("order", all, VIEW, null, null, DescribedRequest.of()),
                    "a base instance's own work stays on base");
        }

        @Test
        void tagWithoutLaneInTheRulesStillRoutesByTag() {
            Harness h = new Harness().with(rules().lanes(lane("gray", Fallback.NONE)));
            List<Inst> all = list(b1, d1);

            assertEquals(list(d1), h.router.eligible("order", all, VIEW, "dev1", null, DescribedRequest.of()));
            assertEquals(list(b1), h.router.eligible("order", all, VIEW, "dev9", null, DescribedRequest.of()),
                    "a tag no lane names falls back to base, never strict");
            assertEquals(1, h.count("dev9", FALLBACK_BASE));
        }

        @Test
        void missingSnapshotMeansNoRules() {
            LaneRouter router = new LaneRouter("app", null, () -> null, null, null);
            List<Inst> all = list(b1, g1);

            assertEquals(list(b1), router.eligible("order", all, VIEW, null, null, DescribedRequest.of()));
            assertEquals(list(g1), router.eligible("order", all, VIEW, "gray", null, DescribedRequest.of()));
        }
    }

    @Nested
    class IngressDyeing {

        private EntryRule entry(int percent, StickyKey sticky, String... services) {
            return new EntryRule(header("x-user", StringMatch.present()), percent, sticky, List.of(services));
        }

        @Test
        void matchingRequestIsDyedAndCarriedTagWins() {
            Harness h = new Harness("blue").with(rules().lanes(lane("gray", entry(100, null))));

            assertEquals("gray", h.router.inbound(null, DescribedRequest.of().header("x-user", "7")));
            assertEquals("blue", h.router.inbound(null, DescribedRequest.of()), "no match: node dyeing");
            assertEquals("dev1", h.router.inbound("dev1", DescribedRequest.of().header("x-user", "7")));
        }

        @Test
        void firstLaneInDocumentOrderWins() {
            Harness h = new Harness().with(rules().lanes(
                    lane("first", entry(100, null)), lane("second", entry(100, null))));

            assertEquals("first", h.router.inbound(null, DescribedRequest.of().header("x-user", "7")));
        }

        @Test
        void laneWhosePercentDoesNotAdmitGivesWayToTheNext() {
            Harness h = new Harness().with(rules().lanes(
                    lane("never", entry(0, null)), lane("always", entry(100, null))));

            assertEquals("always", h.router.inbound(null, DescribedRequest.of().header("x-user", "7")));
        }

        @Test
        void entryRestrictedToOtherServicesDoesNotApply() {
            Harness elsewhere = new Harness().with(rules().lanes(lane("gray", entry(100, null, "gateway"))));
            Harness here = new Harness().with(rules().lanes(lane("gray", entry(100, null, "gateway", "app"))));

            assertNull(elsewhere.router.inbound(null, DescribedRequest.of().header("x-user", "7")));
            assertEquals("gray", here.router.inbound(null, DescribedRequest.of().header("x-user", "7")));
        }

        @Test
        void randomPercentDyesItsShare() {
            Harness h = new Harness().with(rules().lanes(lane("gray", entry(30, null))));
            DescribedRequest request = DescribedRequest.of().header("x-user", "7");

            int dyed = 0;
            for (int i = 0; i < DRAWS; i++) {
                if ("gray".equals(h.router.inbound(null, request))) {
                    dyed++;
                }
            }
            assertShare(dyed, DRAWS, 0.30, "share of dyed requests");
        }

        @Test
        void stickyDyeingIsStableForAUserAndDyesItsShareOfUsers() {
            StickyKey byUser = new StickyKey(StickyKey.Source.HEADER, "x-user");
            Harness h = new Harness().with(rules().lanes(lane("gray", entry(30, byUser))));
            Harness other = new Harness().with(rules().lanes(lane("gray", entry(30, byUser))));

            int users = 10_000;
            int dyed = 0;
            for (int u = 0; u < users; u++) {
                DescribedRequest request = DescribedRequest.of().header("x-user", "user-" + u);
                String first = h.router.inbound(null, request);
                for (int again = 0; again < 3; again++) {
                    assertEquals(first, h.router.inbound(null, request), "user-" + u + " must stay put");
                }
                assertEquals(first, other.router.inbound(null, request), "every instance decides the same");
                if ("gray".equals(first)) {
                    dyed++;
                }
            }
            // Deterministic given the hash; the bound is the one a fair hash meets with p < 1e-9.
            assertShare(dyed, users, 0.30, "share of dyed users");
        }

        @Test
        void stickyHashIsFixed() {
            // Pinned values: a gateway or another implementation must be able to reproduce them.
            // Qualified: this nested class has the same simple name as the engine's class.
            java.util.function.ToIntFunction<String> bucket = dev.lanes.core.routing.IngressDyeing::stickyBucket;
            assertEquals(bucket.applyAsInt("user-1"), bucket.applyAsInt(new String("user-1")));
            int[] expected = {bucket.applyAsInt(""), bucket.applyAsInt("a"), bucket.applyAsInt("42")};
            assertEquals(fnvMurmur(""), expected[0]);
            assertEquals(fnvMurmur("a"), expected[1]);
            assertEquals(fnvMurmur("42"), expected[2]);
        }

        /** The documented hash, written independently with unsigned arithmetic on longs. */
        private int fnvMurmur(String s) {
            long h = 0x811c9dc5L;
            for (char c : s.toCharArray()) {
                h = ((h ^ c) * 0x01000193L) & 0xffffffffL;
            }
            h ^= h >>> 16;
            h = (h * 0x85ebca6bL) & 0xffffffffL;
            h ^= h >>> 13;
            h = (h * 0xc2b2ae35L) & 0xffffffffL;
            h ^= h >>> 16;
            return (int) (h % 100);
        }

        @Test
        void stickyRuleLeavesRequestsWithoutTheAttributeUndyedUnlessItTakesAll() {
            StickyKey byCookie = new StickyKey(StickyKey.Source.COOKIE, "uid");
            EntryRule anyRequest99 = new EntryRule(null, 99, byCookie, null);
            EntryRule anyRequest100 = new EntryRule(null, 100, byCookie, null);

            Harness partial = new Harness().with(rules().lanes(lane("gray", anyRequest99)));
            Harness all = new Harness().with(rules().lanes(lane("gray", anyRequest100)));
            for (int i = 0; i < 100; i++) {
                assertNull(partial.router.inbound(null, DescribedRequest.of()));
            }
            assertEquals("gray", all.router.inbound(null, DescribedRequest.of()));
        }
    }

    @Nested
    class EdgeCases {

        @Test
        void emptyAndNullCandidateLists() {
            Harness h = new Harness().with(rules().lanes(lane("dev1", Fallback.NONE)));
            List<Inst> empty = List.of();

            assertSame(empty, h.router.eligible("order", empty, VIEW, null, null, DescribedRequest.of()));
            assertNull(h.router.eligible("order", null, VIEW, null, null, DescribedRequest.of()));
            assertNull(h.router.choose("order", empty, VIEW, "dev1", null, DescribedRequest.of()));
            assertNull(h.router.choose("order", null, VIEW, null, null, DescribedRequest.of()));
            assertNull(h.router.pickWeighted("order", empty, VIEW));
        }

        @Test
        void nullServiceAndRequestAreFine() {
            Harness h = new Harness().with(rules().outlier(new OutlierSettings(true, 1, 1, 1, 50, 50)));
            List<Inst> all = list(b1, g1);

            assertEquals(list(b1), h.router.eligible(null, all, VIEW, null, null, null));
            assertEquals(b1, h.router.choose(null, all, VIEW, null, null, null));
            h.router.record(null, null, false);
            h.router.record("order", null, false);
        }

        @Test
        void allInstancesTagged() {
            Harness h = new Harness();
            List<Inst> all = list(g1, g2, d1);

            assertSame(all, h.router.eligible("order", all, VIEW, null, null, DescribedRequest.of()));
            assertEquals(list(g1, g2), h.router.eligible("order", all, VIEW, "gray", null, DescribedRequest.of()));
        }

        @Test
        void unknownTagFallsBackToBase() {
            Harness h = new Harness().with(rules().lanes(lane("gray", Fallback.NONE)));
            List<Inst> all = list(b1, g1);

            assertEquals(list(b1), h.router.eligible("order", all, VIEW, "nobody", null, DescribedRequest.of()));
            assertEquals(b1, h.router.choose("order", all, VIEW, "nobody", null, DescribedRequest.of()));
        }

        @Test
        void malformedMetadataCountsAsBase() {
            Harness h = new Harness().with(rules().warmup(new WarmupSettings(true, 40_000L, 1.0, 10)));
            Inst badTag = new Inst("10.0.9.1:80", "gray lane!", -1);
            Inst blankTag = new Inst("10.0.9.2:80", "  ", -1);
            Inst longTag = new Inst("10.0.9.3:80", "x".repeat(64), -1);
            List<Inst> all = list(badTag, g1, blankTag, longTag);

            for (int i = 0; i < 3; i++) {
                assertEquals(list(badTag, blankTag, longTag), h.router.eligible("order", all, VIEW, null, null, DescribedRequest.of()));
            }
            assertEquals(list(g1), h.router.eligible("order", all, VIEW, "gray", null, DescribedRequest.of()));
            assertNull(h.router.pickWeighted("order", list(badTag, blankTag), VIEW), "unknown start: full weight");
        }

        @Test
        void faultyViewFallsBackToTheFrameworksChoice() {
            Harness h = new Harness();
            InstanceView<Inst> broken = new InstanceView<>() {
                @Override
                public String tag(Inst instance) {
                    throw new IllegalStateException("broken metadata accessor");
                }

                @Override
                public long startMillis(Inst instance) {
                    throw new IllegalStateException("broken");
                }

                @Override
                public String address(Inst instance) {
                    throw new IllegalStateException("broken");
                }
            };
            List<Inst> all = list(b1, g1);
            long faults = AgentFaults.total();

            assertSame(all, h.router.eligible("order", all, broken, null, null, DescribedRequest.of()));
            assertNull(h.router.choose("order", all, broken, null, null, DescribedRequest.of()));
            assertTrue(AgentFaults.total() >= faults + 2);
            assertEquals(list(b1), h.router.eligible("order", all, VIEW, null, null, DescribedRequest.of()),
                    "the router keeps working after a fault");
        }

        @Test
        void chooseAmongAFilteredSetIsUniform() {
            Harness h = new Harness();
            List<Inst> all = list(b1, g1, b2, b3);

            int first = 0;
            for (int i = 0; i < DRAWS; i++) {
                Inst pick = h.router.choose("order", all, VIEW, null, null, DescribedRequest.of());
                assertTrue(pick == b1 || pick == b2 || pick == b3, String.valueOf(pick));
                if (pick == b1) {
                    first++;
                }
            }
            assertShare(first, DRAWS, 1.0 / 3.0, "share of one of three base instances");
        }

        @Test
        void largeListsGrowTheScratchBuffers() {
            Harness h = new Harness();
            List<Inst> many = new java.util.ArrayList<>();
            for (int i = 0; i < 5_000; i++) {
                many.add(i % 2 == 0 ? base("b" + i) : tagged("g" + i, "gray"));
            }
            assertEquals(2_500, h.router.eligible("order", many, VIEW, null, null, DescribedRequest.of()).size());
            assertEquals(2, h.router.eligible("order", list(b1, b2, g1), VIEW, null, null, DescribedRequest.of()).size());
            assertEquals(2_500, h.router.eligible("order", many, VIEW, "gray", null, DescribedRequest.of()).size());
        }
    }

    @Nested
    class DryRun {

        @Test
        void strictFailureIsCountedNotThrown() {
            Harness h = new Harness().with(rules().lanes(lane("dev1", Fallback.NONE)).dryRun());
            List<Inst> all = list(b1, g1);

            assertSame(all, h.router.eligible("order", all, VIEW, "dev1", null, DescribedRequest.of()));
            assertNull(h.router.choose("order", all, VIEW, "dev1", null, DescribedRequest.of()));
            assertEquals(2, h.count("dev1", STRICT_FAILURE));
            assertEquals(2, h.count("dev1", DRY_RUN_DIFFERENCE));
        }

        @Test
        void narrowingIsCountedButNotApplied() {
            Harness h = new Harness().with(rules()
                    .warmup(new WarmupSettings(true, 40_000L, 1.0, 10))
                    .routes(route("order", header("x-a", StringMatch.present()), to("gray", 100)))
                    .dryRun());
            List<Inst> all = list(b1, g1, started("n:1", null, START - 1_000L));

            assertSame(all, h.router.eligible("order", all, VIEW, null, null, DescribedRequest.of().header("x-a", "1")));
            assertEquals(1, h.count("gray", ROUTED));
            assertEquals(1, h.count("gray", DRY_RUN_DIFFERENCE));
            assertNull(h.router.choose("order", all, VIEW, null, null, DescribedRequest.of()));
            assertEquals(1, h.count("base", DRY_RUN_DIFFERENCE));
            assertNull(h.router.pickWeighted("order", all, VIEW));
        }

        @Test
        void noDifferenceIsNotCounted() {
            Harness h = new Harness().with(rules().dryRun());
            List<Inst> all = list(b1, b2);

            assertSame(all, h.router.eligible("order", all, VIEW, null, null, DescribedRequest.of()));
            assertEquals(0, h.count("base", DRY_RUN_DIFFERENCE));
            assertEquals(1, h.count("base", ROUTED));
        }
    }

    @Nested
    class Snapshots {

        @Test
        void eachCallSeesTheSnapshotCurrentWhenItStarts() {
            Harness h = new Harness();
            List<Inst> all = list(b1, d1);

            h.rules.set(rules().lanes(lane("dev9", Fallback.NONE)).build());
            assertThrows(LaneUnavailableException.class,
                    () -> h.router.eligible("order", all, VIEW, "dev9", null, DescribedRequest.of()));
            h.rules.set(RuleSnapshot.EMPTY);
            assertEquals(list(b1), h.router.eligible("order", all, VIEW, "dev9", null, DescribedRequest.of()));
        }
    }
}
