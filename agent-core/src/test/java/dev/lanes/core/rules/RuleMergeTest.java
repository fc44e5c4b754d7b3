package dev.lanes.core.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The global document merged with the application's own, by the precedence of docs/rule-centers.md. */
class RuleMergeTest {

    private static final String GLOBAL_ORIGIN = "nacos:DEFAULT_GROUP/lanes-rules.yaml";
    private static final String APP_ORIGIN = "nacos:DEFAULT_GROUP/orders.lanes-rules.yaml";

    private static RuleSnapshot merge(String global, String app) throws RuleValidationException {
        return RuleParser.parse(List.of(new RuleDocument(RuleDocument.Role.GLOBAL, GLOBAL_ORIGIN, global),
                new RuleDocument(RuleDocument.Role.APPLICATION, APP_ORIGIN, app)), "nacos://test");
    }

    @Test
    void applicationLanesAndRoutesOverrideGlobalOnesOfTheSameNameTagOrService() throws Exception {
        String global = "version: g1\n"
                + "lanes:\n"
                + "  - {name: gray, tag: gray, fallback: none}\n"
                + "  - {name: blue, tag: blue}\n"
                + "  - {name: old-qa, tag: qa}\n"
                + "routes:\n"
                + "  - {service: stock, to: {tag: gray}}\n"
                + "  - {service: stock, match: {path: /x}, to: {tag: blue}}\n"
                + "  - {service: price, to: {tag: blue}}\n"
                + "warmup: {window: 60s}\n"
                + "outlier: {consecutiveErrors: 3}\n";
        String app = "version: a7\n"
                + "lanes:\n"
                + "  - {name: gray, tag: gray}\n"
                + "  - {name: qa, tag: qa, fallback: none}\n"
                + "routes:\n"
                + "  - {service: stock, to: {tag: qa}}\n"
                + "warmup: {window: 10s, minWeightPercent: 50}\n";

        RuleSnapshot s = merge(global, app);

        assertEquals("a7+g1", s.version());
        assertEquals(List.of("gray", "qa", "blue"), s.lanes().stream().map(LaneRule::name).toList());
        assertEquals(Fallback.BASE, s.lane("gray").fallback(), "the application's gray lane replaced the global one");
        assertEquals("qa", s.lane("qa").name(), "a lane of the same tag replaced the global one");
        assertEquals(1, s.routesFor("stock").size(), "the application's routes for stock replaced all global ones");
        assertEquals("qa", s.routesFor("stock").get(0).to().get(0).tag());
        assertEquals(1, s.routesFor("price").size(), "global routes of other services stay");
        assertEquals(10000L, s.warmup().windowMillis(), "settings sections are replaced whole");
        assertEquals(50, s.warmup().minWeightPercent());
        assertTrue(s.outlier().enabled(), "a section only the global document has stays");
        assertEquals(3, s.outlier().consecutiveErrors());
    }

    @Test
    void aSectionWrittenWithNoValueDoesNotOverride() throws Exception {
        RuleSnapshot s = merge("dryRun: true\nwarmup: {}\n", "warmup:\ndryRun: false\n");
        assertTrue(s.warmup().enabled());
        assertEquals(false, s.dryRun());
    }

    @Test
    void problemsNameTheirDocumentFieldAndLine() {
        RuleValidationException e = assertThrows(RuleValidationException.class, () -> merge(
                "lanes:\n  - name: gray\n    tag: gray\n    fallbak: none\n",
                "routes:\n  - service: a\n    to: {tag: gray, weight: -1}\n"));
        assertEquals(2, e.problems().size(), e.getMessage());
        RuleProblem global = e.problems().stream().filter(p -> GLOBAL_ORIGIN.equals(p.document())).findFirst()
                .orElseThrow();
        assertEquals("lanes[0].fallbak", global.field());
        assertEquals(4, global.line());
        RuleProblem app = e.problems().stream().filter(p -> APP_ORIGIN.equals(p.document())).findFirst()
                .orElseThrow();
        assertEquals("routes[0].to.weight", app.field());
        assertEquals(3, app.line());
        assertTrue(app.message().contains("(line 3 of " + APP_ORIGIN + ")"), app.message());
    }

    @Test
    void oneDocumentIsReadAsItIs() throws Exception {
        RuleSnapshot s = RuleParser.parse(List.of(new RuleDocument(RuleDocument.Role.GLOBAL, GLOBAL_ORIGIN,
                "version: g1\nlanes: [{name: a, tag: a}]\n")), "nacos://test");
        assertEquals("g1", s.version());
        assertEquals(1, s.lanes().size());
        RuleValidationException e = assertThrows(RuleValidationException.class, () -> RuleParser.parse(List.of(
                new RuleDocument(RuleDocument.Role.APPLICATION, APP_ORIGIN, "lanes: 3\n")), "nacos://test"));
        assertNull(e.problems().get(0).document());
    }

    @Test
    void anEmptyDocumentMergesAsNoRules() throws Exception {
        RuleSnapshot s = merge("# nothing yet\n", "lanes: [{name: a, tag: a}]\n");
        assertEquals(1, s.lanes().size());
        assertTrue(s.version().startsWith("sha256:") && s.version().endsWith("+none"), s.version());
    }

    @Test
    void storeAppliesMergedDocumentsAndKeepsThem() {
        RuleStore store = new RuleStore();
        List<RuleDocument> docs = List.of(new RuleDocument(RuleDocument.Role.GLOBAL, GLOBAL_ORIGIN, "version: g\n"),
                new RuleDocument(RuleDocument.Role.APPLICATION, APP_ORIGIN, "version: a\n"));
        assertTrue(store.sinkFor("nacos://x") != null);
        store.sinkFor("nacos://x").accept(docs, "nacos://x orders");
        assertEquals("a+g", store.current().version());
        assertEquals(docs, store.documents());
        store.sinkFor("nacos://x").accept(List.of(docs.get(0), new RuleDocument(RuleDocument.Role.APPLICATION,
                APP_ORIGIN, "lanes: [{name: x, tag: base}]\n")), "nacos://x orders");
        assertEquals("a+g", store.current().version(), "a rejected merge keeps the last good rules");
        assertEquals(APP_ORIGIN, store.lastError().problems().get(0).document());
        assertEquals(1L, store.rejectedCount());
    }
}
