package dev.lanes.core.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.core.rules.source.RuleSink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class RuleStoreTest {

    private static final String GOOD = "version: v1\nlanes: [{name: gray, tag: gray}]\n";
    private static final String BETTER = "version: v2\nlanes: [{name: gray, tag: gray}, {name: blue, tag: blue}]\n";
    private static final String BAD = "version: v3\nlanes:\n  - name: gray\n    tag: base\n";

    @Test
    void startsWithNoRules() {
        RuleStore store = new RuleStore();
        assertSame(RuleSnapshot.EMPTY, store.get());
        assertSame(RuleSnapshot.EMPTY, store.current());
        assertNull(store.lastError());
        assertEquals(0L, store.lastAppliedMillis());
        assertEquals(0L, store.appliedCount());
        assertEquals(0L, store.rejectedCount());
        assertEquals(0L, store.sourceErrorCount());
    }

    @Test
    void appliesAValidDocumentAndTellsListeners() {
        RuleStore store = new RuleStore(() -> 1_000L);
        List<RuleSnapshot> seen = new ArrayList<>();
        store.addListener(seen::add);

        assertTrue(store.apply(GOOD, "file:/a.yaml"));

        RuleSnapshot s = store.get();
        assertEquals("v1", s.version());
        assertEquals("file:/a.yaml", s.source());
        assertNotNull(s.lane("gray"));
        assertEquals(1L, store.appliedCount());
        assertEquals(1_000L, store.lastAppliedMillis(), "by the store's clock");
        assertEquals(List.of(s), seen);
    }

    @Test
    void keepsTheLastGoodSnapshotWhenADocumentIsRejected() {
        RuleStore store = new RuleStore();
        List<RuleSnapshot> seen = new ArrayList<>();
        store.addListener(seen::add);
        store.apply(GOOD, "file:/a.yaml");
        RuleSnapshot good = store.get();

        assertFalse(store.apply(BAD, "file:/a.yaml"));

        assertSame(good, store.get());
        assertEquals(1L, store.appliedCount());
        assertEquals(1L, store.rejectedCount());
        assertEquals(1, seen.size(), "listeners hear only of applied snapshots");
        RuleError error = store.lastError();
        assertEquals("file:/a.yaml", error.origin());
        assertFalse(error.isSourceError());
        assertEquals(1, error.problems().size());
        assertEquals("lanes[0].tag", error.problems().get(0).field());
        assertEquals(4, error.problems().get(0).line());
        assertTrue(error.message().contains("lanes[0].tag (line 4)"), error.message());
        assertTrue(error.timeMillis() >= store.lastAppliedMillis());
    }

    @Test
    void aLaterSuccessKeepsTheLastErrorForComparisonByTime() {
        AtomicLong clock = new AtomicLong(1_000L);
        RuleStore store = new RuleStore(clock::get);
        store.apply(BAD, "nacos:rules");
        RuleError error = store.lastError();
        assertEquals(1_000L, error.timeMillis());
        clock.set(1_005L);
        assertTrue(store.apply(BETTER, "nacos:rules"));

        assertEquals("v2", store.get().version());
        assertSame(error, store.lastError());
        assertEquals(1_005L, store.lastAppliedMillis());
        assertTrue(store.lastAppliedMillis() > error.timeMillis());
        assertEquals(1L, store.appliedCount());
        assertEquals(1L, store.rejectedCount());
    }

    @Test
    void aSourceErrorKeepsTheRulesInForce() {
        RuleStore store = new RuleStore();
        store.apply(GOOD, "file:/a.yaml");
        RuleSnapshot good = store.get();

        store.sourceError("file:/a.yaml", "the rules file /a.yaml does not exist", null);

        assertSame(good, store.get());
        assertEquals(1L, store.sourceErrorCount());
        assertEquals(0L, store.rejectedCount());
        RuleError error = store.lastError();
        assertTrue(error.isSourceError());
        assertEquals("file:/a.yaml", error.origin());
        assertTrue(error.message().contains("does not exist"), error.message());
    }

    @Test
    void aSinkFeedsTheStoreAndNamesItsOriginOnErrors() {
        RuleStore store = new RuleStore();
        RuleSink sink = store.sinkFor("file:rules.yaml");

        sink.accept(GOOD, "file:/work/rules.yaml");
        assertEquals("file:/work/rules.yaml", store.get().source());

        sink.sourceError("cannot read", new java.io.IOException("permission denied"));
        assertEquals("file:rules.yaml", store.lastError().origin());
        assertTrue(store.lastError().message().contains("permission denied"), store.lastError().message());

        sink.accept(BAD, null);
        assertEquals("file:rules.yaml", store.lastError().origin());
        assertEquals("v1", store.get().version());
    }

    @Test
    void aFailingListenerIsCountedAndDoesNotStopOthersOrTheUpdate() {
        RuleStore store = new RuleStore();
        List<RuleSnapshot> seen = new ArrayList<>();
        store.addListener(s -> {
            throw new IllegalStateException("listener bug");
        });
        store.addListener(seen::add);
        long faults = AgentFaults.total();

        assertTrue(store.apply(GOOD, "test"));

        assertEquals("v1", store.get().version());
        assertEquals(1, seen.size());
        assertEquals(faults + 1, AgentFaults.total());
    }

    @Test
    void aRemovedListenerHearsNothingMore() {
        RuleStore store = new RuleStore();
        List<RuleSnapshot> seen = new ArrayList<>();
        Consumer<RuleSnapshot> listener = seen::add;
        store.addListener(listener);
        store.apply(GOOD, "test");
        store.removeListener(listener);
        store.apply(BETTER, "test");
        assertEquals(1, seen.size());
        assertEquals(2L, store.appliedCount());
    }

    @Test
    void anEmptyDocumentClearsTheRules() {
        RuleStore store = new RuleStore();
        store.apply(GOOD, "file:/a.yaml");
        assertTrue(store.apply("", "file:/a.yaml"));
        assertTrue(store.get().lanes().isEmpty());
        assertEquals("file:/a.yaml", store.get().source());
    }
}
