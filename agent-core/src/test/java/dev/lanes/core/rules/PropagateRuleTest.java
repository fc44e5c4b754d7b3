package dev.lanes.core.rules;

import static dev.lanes.core.rules.RuleParserTest.assertOnly;
import static dev.lanes.core.rules.RuleParserTest.rejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.bridge.CarriedHeaders;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** {@code propagate}: the headers carried down the call chain, validated and merged. */
class PropagateRuleTest {

    @Test
    void namesAreReadLowerCaseInDocumentOrder() throws Exception {
        RuleSnapshot s = RuleParser.parse("propagate: [X-Env, x-user-id]\n", "test");
        assertEquals(List.of("x-env", "x-user-id"), s.propagate());
        assertEquals(List.of(), RuleParser.parse("lanes: []\n", "test").propagate());
    }

    @ParameterizedTest
    @ValueSource(strings = {"x-lanes-tag", "baggage", "Connection", "transfer-encoding", "upgrade", "host",
        "content-length", "content-type", "expect", "te", "keep-alive"})
    void theTagsOwnCarriersAndPerHopHeadersAreRefused(String name) {
        RuleValidationException e = rejected("propagate:\n  - " + name + "\n");
        RuleProblem p = assertOnly(e, "propagate[0]", 2);
        assertTrue(p.issue().startsWith("cannot be carried"), p.message());
        assertTrue(p.message().contains(name), p.message());
    }

    @Test
    void aNameMustBeAnHttpHeaderName() {
        RuleProblem p = assertOnly(rejected("propagate: [\"x env\"]\n"), "propagate[0]", 1);
        assertTrue(p.issue().contains("is not an HTTP header name"), p.message());
        assertTrue(p.message().contains("'x env'"), p.message());
        assertOnly(rejected("propagate: [\"" + "x".repeat(65) + "\"]\n"), "propagate[0]", 1);
        assertOnly(rejected("propagate: [\"\"]\n"), "propagate[0]", 1);
        assertOnly(rejected("propagate: [{a: b}]\n"), "propagate[0]", 1);
        assertOnly(rejected("propagate: x-env\n"), "propagate", 1);
    }

    @Test
    void aNameListedTwiceIsAnError() {
        RuleProblem p = assertOnly(rejected("propagate:\n  - x-env\n  - X-ENV\n"), "propagate[1]", 3);
        assertTrue(p.issue().contains("listed twice (first at line 2)"), p.message());
    }

    @Test
    void atMostSixteenNames() throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < CarriedHeaders.MAX_NAMES; i++) {
            names.add("x-h" + i);
        }
        assertEquals(CarriedHeaders.MAX_NAMES, RuleParser.parse("propagate: " + names + "\n", "test").propagate().size());
        names.add("x-one-more");
        RuleProblem p = assertOnly(rejected("propagate: " + names + "\n"), "propagate", 1);
        assertTrue(p.issue().contains("too many"), p.message());
    }

    @Test
    void theGlobalAndTheApplicationDocumentsAreMergedAsAUnion() throws Exception {
        RuleSnapshot s = merge("propagate: [x-env, x-region]\n", "propagate: [X-Region, x-user-id]\n");
        assertEquals(List.of("x-env", "x-region", "x-user-id"), s.propagate());
        assertEquals(List.of("x-env"), merge("propagate: [x-env]\n", "lanes: []\n").propagate());
        assertEquals(List.of("x-env"), merge("lanes: []\n", "propagate: [x-env]\n").propagate());
    }

    @Test
    void aUnionOverTheBoundIsRefusedAsAWhole() {
        List<String> global = new ArrayList<>();
        List<String> app = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            global.add("x-g" + i);
            app.add("x-a" + i);
        }
        RuleValidationException e = assertThrows(RuleValidationException.class,
                () -> merge("propagate: " + global + "\n", "propagate: " + app + "\n"));
        assertTrue(e.getMessage().contains("too many"), e.getMessage());
    }

    private static RuleSnapshot merge(String global, String app) throws RuleValidationException {
        return RuleParser.parse(List.of(new RuleDocument(RuleDocument.Role.GLOBAL, "g", global),
                new RuleDocument(RuleDocument.Role.APPLICATION, "a", app)), "test");
    }
}
