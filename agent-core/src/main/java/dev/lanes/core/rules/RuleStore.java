package dev.lanes.core.rules;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.AgentLog;
import dev.lanes.core.rules.source.RuleSink;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Holds the rules in force: one volatile reference to an immutable snapshot, swapped whole when
 * a new document passes validation, and left alone when a document is rejected or its source
 * fails, so that the last good rules stay in force.
 *
 * <p>Readers ({@link #get()}) never block. Updates are serialised, and listeners are called on
 * the updating thread in the order the snapshots were applied.
 */
public final class RuleStore implements Supplier<RuleSnapshot> {

    private volatile RuleSnapshot current = RuleSnapshot.EMPTY;
    private volatile List<RuleDocument> currentDocuments = Collections.emptyList();
    private volatile RuleError lastError;
    // The documents the next delivery is compared with to tell a removal: those in force, or,
    // before any is applied, those of the rules cache.
    private List<RuleDocument> known = Collections.emptyList();
    private final CopyOnWriteArrayList<Removed> removed = new CopyOnWriteArrayList<Removed>();
    private volatile String sourceFailure;
    private volatile String sourceFailing;
    private volatile long lastAppliedMillis;
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong sourceErrors = new AtomicLong();
    private final CopyOnWriteArrayList<Consumer<RuleSnapshot>> listeners =
            new CopyOnWriteArrayList<Consumer<RuleSnapshot>>();
    // Every time the store records (applied, rejected, failed, removed) is read from this one
    // clock, so that they compare with each other.
    private final LongSupplier clockMillis;

    public RuleStore() {
        this(System::currentTimeMillis);
    }

    /** With a clock of its own, so that tests tell earlier from later without waiting. */
    RuleStore(LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
    }

    /** The snapshot in force; {@link RuleSnapshot#EMPTY} until a document is applied. */
    @Override
    public RuleSnapshot get() {
        return current;
    }

    /** The same as {@link #get()}. */
    public RuleSnapshot current() {
        return current;
    }

    /**
     * Parses {@code text} and, when it is valid, puts it in force at once as a whole.
     *
     * @param origin where the text came from, such as "file:/etc/lanes/rules.yaml"
     * @return true when applied; false when rejected (the previous snapshot stays in force)
     */
    public boolean apply(String text, String origin) {
        return apply(Collections.singletonList(new RuleDocument(RuleDocument.Role.APPLICATION,
                origin == null ? "unknown" : origin, text)), origin);
    }

    /**
     * Merges, validates and, when they are valid, puts in force at once the documents of one
     * source (the global one and this application's own).
     *
     * @param origin where they came from together, such as "nacos://127.0.0.1:8848 DEFAULT_GROUP/orders.lanes-rules.yaml"
     * @return true when applied; false when rejected (the previous snapshot stays in force)
     */
    public synchronized boolean apply(List<RuleDocument> documents, String origin) {
        RuleSnapshot next;
        try {
            next = RuleParser.parse(documents, origin);
        } catch (RuleValidationException e) {
            reject(origin, e.getMessage(), e.problems());
            return false;
        } catch (RuntimeException e) {
            // A fault of the parser itself: reject the document rather than let it reach the engine.
            AgentFaults.report("rules:parse", e);
            reject(origin, "the rules from " + origin + " could not be read: " + e,
                    Collections.singletonList(new RuleProblem("document", 0, null,
                            "could not be read because of an agent fault (" + e + ")", null)));
            return false;
        }
        List<Removed> gone = removals(documents, origin);
        current = next;
        currentDocuments = Collections.unmodifiableList(new ArrayList<RuleDocument>(documents));
        known = currentDocuments;
        sourceFailing = null;
        lastAppliedMillis = clockMillis.getAsLong();
        applied.incrementAndGet();
        AgentLog.info("rules applied from " + origin + ": version " + next.version() + ", "
                + next.lanes().size() + " lanes, " + next.routes().size() + " routes, warmup "
                + (next.warmup().enabled() ? "on" : "off") + ", outlier " + (next.outlier().enabled() ? "on" : "off")
                + (next.propagate().isEmpty() ? "" : ", carrying " + next.propagate())
                + (next.dryRun() ? ", dry run" : ""));
        for (Removed r : gone) {
            AgentLog.warn("RULES REMOVED: the rule document " + r.origin() + " no longer exists in its rule center, "
                    + "so its rules (version " + r.version() + ") no longer apply; rules in force: version "
                    + next.version() + ". If the delete was a mistake, push the document again: `rules get --cache` "
                    + "prints it, and the admin endpoint lists it under rules.removed");
        }
        for (Consumer<RuleSnapshot> listener : listeners) {
            try {
                listener.accept(next);
            } catch (Throwable t) {
                AgentFaults.report("rules:listener:" + listener.getClass().getName(), t);
            }
        }
        return true;
    }

    /**
     * As {@link #apply(List, String)}, but only while no document has been applied yet: rules
     * restored at start must never replace rules the source delivered in the meantime.
     */
    public synchronized boolean applyIfNoneApplied(List<RuleDocument> documents, String origin) {
        return applied.get() == 0 && apply(documents, origin);
    }

    /**
     * The documents that were in force (or in the rules cache) and are not among {@code next}:
     * the rule center answered that they no longer exist. Recorded, newest last, at most
     * {@link #MAX_REMOVED}; a document that comes back is no longer listed.
     */
    private List<Removed> removals(List<RuleDocument> next, String origin) {
        List<Removed> gone = new ArrayList<Removed>();
        if (origin != null && origin.startsWith(RuleLifecycle.CACHE_ORIGIN)) {
            return gone;
        }
        List<String> present = new ArrayList<String>();
        for (RuleDocument d : next) {
            present.add(d.origin());
        }
        for (Removed r : removed) {
            if (present.contains(r.origin())) {
                removed.remove(r);
            }
        }
        for (RuleDocument d : known) {
            if (!present.contains(d.origin())) {
                Removed r = new Removed(d, versionOf(d), clockMillis.getAsLong());
                gone.add(r);
                removed.add(r);
            }
        }
        while (removed.size() > MAX_REMOVED) {
            removed.remove(0);
        }
        return gone;
    }

    private static String versionOf(RuleDocument d) {
        try {
            return RuleParser.parse(d.text(), d.origin()).version();
        } catch (RuntimeException | RuleValidationException e) {
            return "unknown";
        }
    }

    /** How many removed documents are remembered. */
    static final int MAX_REMOVED = 10;

    /**
     * Before the source's first answer: the documents of the rules cache and the removals it
     * remembers, so that a document deleted while this instance was down is reported as removed
     * when the source answers without it.
     */
    public synchronized void rememberCached(List<RuleDocument> documents, List<Removed> cachedRemovals) {
        if (applied.get() == 0) {
            known = Collections.unmodifiableList(new ArrayList<RuleDocument>(documents));
        }
        for (Removed r : cachedRemovals) {
            if (removed.size() < MAX_REMOVED) {
                removed.add(r);
            }
        }
    }

    /** The documents a rule center said no longer exist, oldest first. */
    public List<Removed> removed() {
        return Collections.unmodifiableList(new ArrayList<Removed>(removed));
    }

    /**
     * The source could not start at all (its setting is malformed): kept for the admin endpoint and
     * counted as a source error. The caller logs it, as an ERROR.
     */
    public void sourceFailed(String origin, String reason) {
        sourceFailure = reason;
        sourceErrors.incrementAndGet();
        lastError = new RuleError(clockMillis.getAsLong(), origin, reason, null);
    }

    /** Why the source could not start, or null. */
    public String sourceFailure() {
        return sourceFailure;
    }

    /** The source's failure since it last answered (unreachable, timed out), or null while it answers. */
    public String sourceFailing() {
        return sourceFailing;
    }

    /** The source answers again. */
    public void sourceRecovered() {
        sourceFailing = null;
    }

    /** A rule document that went away from its rule center while its rules were in force. */
    public static final class Removed {
        private final RuleDocument document;
        private final String version;
        private final long removedAtMillis;

        public Removed(RuleDocument document, String version, long removedAtMillis) {
            this.document = document;
            this.version = version;
            this.removedAtMillis = removedAtMillis;
        }

        public RuleDocument document() {
            return document;
        }

        public String origin() {
            return document.origin();
        }

        /** The version of the removed document alone. */
        public String version() {
            return version;
        }

        public long removedAtMillis() {
            return removedAtMillis;
        }
    }

    /**
     * As {@link #apply(List, String)}, but only while the rules in force are none or came from the
     * rules cache: cached rules never replace rules the source delivered.
     */
    public synchronized boolean applyIfOnlyCached(List<RuleDocument> documents, String origin) {
        return (applied.get() == 0 || current.source().startsWith(RuleLifecycle.CACHE_ORIGIN))
                && apply(documents, origin);
    }

    /** The documents of the snapshot in force, as delivered; empty before the first is applied. */
    public List<RuleDocument> documents() {
        return currentDocuments;
    }

    private void reject(String origin, String message, java.util.List<RuleProblem> problems) {
        rejected.incrementAndGet();
        lastError = new RuleError(clockMillis.getAsLong(), origin, message, problems);
        RuleSnapshot kept = current;
        StringBuilder line = new StringBuilder("rules from ").append(origin).append(" rejected, keeping version ")
                .append(kept.version()).append(" from ").append(kept.source()).append("; ").append(problems.size())
                .append(problems.size() == 1 ? " problem:" : " problems:");
        for (RuleProblem p : problems) {
            line.append("\n  - ").append(p.message());
        }
        AgentLog.warn(line.toString());
    }

    /**
     * Records that a rule source failed (a file missing or unreadable, a rule center down). The
     * rules in force are kept.
     *
     * @param origin the source, such as the value of the setting {@code lanes.rules}
     */
    public void sourceError(String origin, String message, Throwable cause) {
        sourceErrors.incrementAndGet();
        String text = cause == null ? message : message + " (" + cause + ")";
        sourceFailing = text;
        lastError = new RuleError(clockMillis.getAsLong(), origin, text, null);
        RuleSnapshot kept = current;
        AgentLog.warn("rule source " + origin + ": " + text + "; keeping version " + kept.version() + " from "
                + kept.source());
    }

    /** A sink that feeds this store, for a rule source started from {@code origin} (the setting's value). */
    public RuleSink sinkFor(final String origin) {
        return new RuleSink() {
            @Override
            public void accept(String text, String documentOrigin) {
                apply(text, documentOrigin == null ? origin : documentOrigin);
            }

            @Override
            public void accept(List<RuleDocument> documents, String documentsOrigin) {
                apply(documents, documentsOrigin == null ? origin : documentsOrigin);
            }

            @Override
            public void sourceError(String message, Throwable cause) {
                RuleStore.this.sourceError(origin, message, cause);
            }

            @Override
            public void sourceRecovered() {
                RuleStore.this.sourceRecovered();
            }
        };
    }

    /**
     * The latest rejection or source error, or null when there was none. It is kept after a later
     * success, so compare {@link RuleError#timeMillis()} with {@link #lastAppliedMillis()}.
     */
    public RuleError lastError() {
        return lastError;
    }

    /** When a document was last applied, in epoch milliseconds; 0 when none has been yet. */
    public long lastAppliedMillis() {
        return lastAppliedMillis;
    }

    public long appliedCount() {
        return applied.get();
    }

    public long rejectedCount() {
        return rejected.get();
    }

    public long sourceErrorCount() {
        return sourceErrors.get();
    }

    /** Called with each snapshot applied from now on, on the applying thread; faults are counted, not thrown. */
    public void addListener(Consumer<RuleSnapshot> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<RuleSnapshot> listener) {
        listeners.remove(listener);
    }
}
