package dev.lanes.core.routing;

import dev.lanes.bridge.CarriedHeaders;
import dev.lanes.bridge.LaneUnavailableException;
import dev.lanes.core.rules.EntryRule;
import dev.lanes.core.rules.Fallback;
import dev.lanes.core.rules.OutlierSettings;
import dev.lanes.core.rules.StringMatch;
import dev.lanes.core.routing.Fixtures.Harness;
import dev.lanes.core.routing.Fixtures.Inst;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static dev.lanes.core.routing.Fixtures.Rules.rules;
import static dev.lanes.core.routing.Fixtures.VIEW;
import static dev.lanes.core.routing.Fixtures.base;
import static dev.lanes.core.routing.Fixtures.header;
import static dev.lanes.core.routing.Fixtures.lane;
import static dev.lanes.core.routing.Fixtures.list;
import static dev.lanes.core.routing.Fixtures.route;
import static dev.lanes.core.routing.Fixtures.tagged;
import static dev.lanes.core.routing.Fixtures.to;
import static dev.lanes.core.routing.LaneMetrics.Kind.ROUTED;
import static dev.lanes.core.routing.LaneMetrics.Kind.STRICT_FAILURE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine's explained decision is the decision it routes by, with the reasons stated. */
class RouteDecisionTest {

    private static final OutlierSettings OUTLIER = new OutlierSettings(true, 1, 10_000L, 30_000L, 100, 50);
    private static final String[] TAGS = {null, "gray", "dev1", "blue"};

    /**
     * Over thousands of random services, rules, tags and requests, {@link LaneRouter#explain}
     * gives exactly the instances {@link LaneRouter#eligible} allows, by its scan and by its
     * cached grouping alike, and fails exactly when routing throws.
     */
    @Test
    void explainAgreesWithRoutingEverywhere() {
        Random random = new Random(20261206L);
        for (int c = 0; c < 3_000; c++) {
            String instanceTag = TAGS[random.nextInt(2)];
            Harness h = new Harness(instanceTag);
            Fixtures.Rules r = rules().lanes(lane("gray", Fallback.BASE), lane("dev1", Fallback.NONE));
            if (random.nextBoolean()) {
                r.routes(route("order", header("x-env", StringMatch.exact("dev1")), to("dev1", 100)));
            }
            if (random.nextBoolean()) {
                r.outlier(OUTLIER);
            }
            h.with(r);
            List<Inst> candidates = new ArrayList<>();
            int n = 1 + random.nextInt(6);
            for (int i = 0; i < n; i++) {
                String tag = TAGS[random.nextInt(TAGS.length)];
                String address = "10.0.0." + i + ":80";
                candidates.add(tag == null ? base(address) : tagged(address, tag));
            }
            for (Inst failing : candidates) {
                if (random.nextInt(4) == 0) {
                    h.router.record("order", failing.address(), false);
                }
            }
            String tag = TAGS[random.nextInt(TAGS.length)];
            DescribedRequest request = random.nextBoolean() ? DescribedRequest.of().header("x-env", "dev1") : DescribedRequest.of();
            String what = "case " + c + ": instance tag " + instanceTag + ", hop tag " + tag + ", candidates "
                    + candidates + ", request x-env " + request.header("x-env") + ", rules " + h.rules.get().routes();

            RouteDecision<Inst> decision = h.router.explain("order", candidates, VIEW, tag, null, request, -1);
            for (int call = 0; call < 3; call++) {
                try {
                    List<Inst> routed = h.router.eligible("order", candidates, VIEW, tag, null, request);
                    assertEquals(routed, decision.eligible(), what + ", call " + call);
                    assertNull(decision.failure(), what);
                } catch (LaneUnavailableException e) {
                    assertEquals(RouteDecision.Outcome.STRICT_FAILURE, decision.outcome(), what);
                    assertEquals(e.getMessage(), decision.failure(), what);
                    assertTrue(decision.eligible().isEmpty(), what);
                }
            }
        }
    }

    @Test
    void statesTheRouteThatAppliedAndWhyTheOthersDidNot() {
        Harness h = new Harness().with(rules()
                .lanes(lane("gray", Fallback.BASE))
                .routes(route("order", header("x-env", StringMatch.exact("dev1")), to("dev1", 100)),
                        route("order", header("x-user", StringMatch.exact("7")), to("gray", 100)),
                        route("order", header("x-user", StringMatch.prefix("")), to("blue", 100))));
        Inst b1 = base("10.0.0.1:80");
        Inst g1 = tagged("10.0.1.1:80", "gray");
        Inst d1 = tagged("10.0.2.1:80", "dev1");

        RouteDecision<Inst> d = h.router.explain("order", list(b1, g1, d1), VIEW, null, null,
                DescribedRequest.of().header("x-user", "7"), -1);

        assertEquals(3, d.routes().size());
        assertFalse(d.routes().get(0).applies());
        assertEquals("header x-env is absent, expected exact 'dev1'", d.routes().get(0).mismatch());
        assertTrue(d.routes().get(1).applies());
        assertFalse(d.routes().get(2).checked(), "a later route is not checked");
        assertEquals("gray", d.target());
        assertEquals(RouteDecision.TagSource.ROUTE, d.tagSource());
        assertEquals(RouteDecision.Outcome.ROUTED, d.outcome());
        assertEquals(list(g1), d.eligible());
        assertEquals("base instance: lane gray has instances up", d.candidates().get(0).reason());
        assertEquals("tagged dev1: another lane", d.candidates().get(2).reason());
        assertEquals(0, h.count("gray", ROUTED), "explaining counts nothing");
    }

    @Test
    void statesFallbackEjectionAndStrictFailure() {
        Harness h = new Harness().with(rules().lanes(lane("dev1", Fallback.NONE)).outlier(OUTLIER));
        Inst b1 = base("10.0.0.1:80");
        Inst b2 = base("10.0.0.2:80");
        Inst b3 = base("10.0.0.3:80");
        Inst g1 = tagged("10.0.1.1:80", "gray");
        h.router.record("order", b2.address(), false);

        RouteDecision<Inst> gray = h.router.explain("order", list(b1, b2, b3, g1), VIEW, "blue", null, DescribedRequest.of(), -1);
        assertEquals(RouteDecision.Outcome.FALLBACK_BASE, gray.outcome());
        assertEquals(list(b1, b3), gray.eligible());
        assertEquals("ejected by outlier detection", gray.candidates().get(1).reason());
        assertTrue(gray.candidates().get(0).reason().contains("no instance of lane blue up (fallback: base)"),
                gray.candidates().get(0).reason());
        assertNull(gray.lane(), "no lane names blue");

        RouteDecision<Inst> dev1 = h.router.explain("order", list(b1, g1), VIEW, "dev1", null, DescribedRequest.of(), -1);
        assertEquals(RouteDecision.Outcome.STRICT_FAILURE, dev1.outcome());
        assertEquals(new LaneUnavailableException("order", "dev1").getMessage(), dev1.failure());
        assertEquals(Collections.emptyList(), dev1.eligible());
        assertTrue(String.join("\n", dev1.lines()).contains("the call fails: "), String.join("\n", dev1.lines()));
        assertEquals(0, h.count("dev1", STRICT_FAILURE), "explaining counts nothing");
    }

    @Test
    void carriedHeadersMatchRoutesLikeTheRequestsOwn() {
        CarriedHeaders.propagate(new String[] {"x-env"});
        try {
            Harness h = new Harness().with(rules()
                    .routes(route("order", header("x-env", StringMatch.exact("dev1")), to("dev1", 100))));
            Inst b1 = base("10.0.0.1:80");
            Inst d1 = tagged("10.0.2.1:80", "dev1");
            CarriedHeaders carried = CarriedHeaders.read(DescribedRequest.of().header("x-env", "dev1"));

            RouteDecision<Inst> d = h.router.explain("order", list(b1, d1), VIEW, "gray", carried, DescribedRequest.of(), -1);

            assertEquals("dev1", d.target());
            assertEquals(list(d1), h.router.eligible("order", list(b1, d1), VIEW, "gray", carried, DescribedRequest.of()));
        } finally {
            CarriedHeaders.propagate(null);
        }
    }

    @Test
    void inboundExplainsAMalformedCarriedTagAsTheEngineTreatsIt() {
        Harness h = new Harness("gray").with(rules().lanes(lane("blue",
                new EntryRule(header("x-user", StringMatch.exact("42")), 100, null, Collections.emptyList()))));

        InboundDecision malformed = h.router.explainInbound("not a tag", DescribedRequest.of().header("x-user", "42"));
        assertEquals(h.router.inbound("not a tag", DescribedRequest.of().header("x-user", "42")), malformed.tag());
        assertEquals("blue", malformed.tag());
        assertEquals(InboundDecision.Source.INGRESS, malformed.source());
        assertTrue(malformed.why().get(0).contains("malformed tag 'not a tag'"), malformed.why().toString());

        InboundDecision node = h.router.explainInbound(null, DescribedRequest.of());
        assertEquals("gray", node.tag());
        assertEquals(InboundDecision.Source.INSTANCE, node.source());

        InboundDecision carried = h.router.explainInbound("dev1", DescribedRequest.of().header("x-user", "42"));
        assertEquals(InboundDecision.Source.CARRIED, carried.source());
        assertEquals("dev1", carried.tag());
    }
}
