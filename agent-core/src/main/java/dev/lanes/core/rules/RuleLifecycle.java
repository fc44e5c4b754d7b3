package dev.lanes.core.rules;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.AgentLog;
import dev.lanes.core.config.AgentConfig;
import dev.lanes.core.config.Durations;
import dev.lanes.core.config.Setting;
import dev.lanes.core.rules.source.RuleSink;
import dev.lanes.core.rules.source.RuleSource;
import dev.lanes.core.rules.source.RuleSources;
import java.io.File;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * How the agent starts its rules: it starts the rule source, waits for its first answer at most
 * {@code lanes.rules.startup.wait}, and when the source has delivered no valid rules by then
 * (down, slow, or its rules rejected) it puts the rules cached from the last good delivery in
 * force. Every good delivery from the source is cached again. A later answer of the source
 * replaces the cached rules as soon as it comes.
 */
public final class RuleLifecycle {

    /** How long start-up waits for the rule source by default. */
    public static final String DEFAULT_STARTUP_WAIT = "3s";
    /** The value of {@code lanes.rules.cache} that turns the cache off. */
    public static final String CACHE_OFF = "off";
    static final String CACHE_ORIGIN = "cache:";

    private RuleLifecycle() {
    }

    /**
     * Starts the rule source named by {@code lanes.rules}, if any.
     *
     * @return the started source, to close at shutdown, or null
     */
    public static RuleSource start(AgentConfig config, String application, RuleStore store, ClassLoader loader) {
        Running running = begin(config, application, store, loader, null);
        return running == null ? null : running.source;
    }

    /**
     * As {@link #start}, keeping what a name learnt later needs.
     *
     * @param startFailed told, before the source's first answer is awaited, why the source could
     *                    not start at all (its setting is malformed); may be null
     * @return null when no source is set
     */
    static Running begin(AgentConfig config, String application, RuleStore store, ClassLoader loader,
                         Consumer<String> startFailed) {
        String setting = config.get(Setting.RULES);
        if (setting == null) {
            AgentLog.info("no rule source set (lanes.rules): lanes follow instance tags alone");
            return null;
        }
        String shown = RuleSources.redact(setting);
        long waitMillis = Durations.parseMillis(config.get(Setting.RULES_STARTUP_WAIT, DEFAULT_STARTUP_WAIT));
        RuleCache cache = cache(config, application, setting);
        CacheWriter writer = null;
        if (cache != null) {
            writer = new CacheWriter(cache, store, shown);
            store.addListener(writer);
            remember(cache, store, shown);
        }
        FirstAnswer sink = new FirstAnswer(store.sinkFor(shown));
        RuleSource source = null;
        long started = System.nanoTime();
        try {
            source = RuleSources.load(loader).start(setting, application, sink);
        } catch (Throwable t) {
            String reason = String.valueOf(t.getMessage());
            store.sourceFailed(shown, reason);
            if (startFailed != null) {
                startFailed.accept(reason);
            } else {
                AgentLog.error("rules=" + shown + " FAILED (" + reason + "); the agent runs without a rule source", null);
            }
        }
        Running running = new Running(config, setting, shown, store, source, writer);
        boolean answered = source == null || sink.await(waitMillis);
        if (store.appliedCount() > 0 || cache == null) {
            if (!answered) {
                AgentLog.warn("rule source " + shown + " has not answered within " + waitMillis
                        + " ms (lanes.rules.startup.wait); starting with no rules, which apply as soon as it answers");
            }
            return running;
        }
        restore(cache, store, shown, source == null, answered ? null : waitMillis,
                (System.nanoTime() - started) / 1000000L);
        return running;
    }

    /**
     * Tells the store what the cache holds before the source answers, so that a document deleted
     * while this instance was down is reported as removed, not silently forgotten.
     */
    private static void remember(RuleCache cache, RuleStore store, String shown) {
        try {
            RuleCache.Entry entry = cache.load();
            if (entry != null && shown.equals(entry.source())) {
                store.rememberCached(entry.documents(), entry.removed());
            }
        } catch (Throwable t) {
            // restore() reports an unusable cache when it is needed.
        }
    }

    /** A started rule source, and what changes when the application's name is learnt. */
    static final class Running {
        private final AgentConfig config;
        private final String setting;
        private final String shown;
        private final RuleStore store;
        final RuleSource source;
        private final CacheWriter writer;

        Running(AgentConfig config, String setting, String shown, RuleStore store, RuleSource source,
                CacheWriter writer) {
            this.config = config;
            this.setting = setting;
            this.shown = shown;
            this.store = store;
            this.source = source;
            this.writer = writer;
        }

        /**
         * The application's name was learnt after start: the source reads the application's own
         * document from now on, and the default rules cache is the one under that name.
         *
         * @return what changed, for the one log line that tells the name; null when nothing did
         */
        String applicationNameFound(String application) {
            String cacheNote = null;
            boolean switched = false;
            if (writer != null && config.get(Setting.RULES_CACHE) == null) {
                RuleCache named = new RuleCache(RuleCache.defaultFile(application, setting));
                writer.use(named);
                switched = true;
                cacheNote = "rules cache " + named.file();
                // While the rule center has not answered, the cache of this application serves.
                try {
                    RuleCache.Entry entry = named.load();
                    if (entry != null && shown.equals(entry.source()) && store.applyIfOnlyCached(entry.documents(),
                            CACHE_ORIGIN + named.file() + " (last good rules from " + shown + ", saved "
                                    + entry.savedAt() + ")")) {
                        cacheNote += " (its rules, version " + entry.version() + ", are in force until the rule "
                                + "source answers)";
                    }
                } catch (Throwable t) {
                    cacheNote += " (not readable: " + t.getMessage() + ")";
                }
            }
            String reading = null;
            if (source != null) {
                try {
                    reading = source.applicationNameFound(application);
                } catch (Throwable t) {
                    AgentFaults.report("rules:application-name", t);
                }
            }
            if (switched && reading == null) {
                // No new document comes to write the cache under the new name: write it now.
                writer.saveNow();
            }
            if (reading == null && cacheNote == null) {
                return null;
            }
            return (reading == null ? "" : "rule source " + shown + " reads its document " + reading
                    + " from now on") + (reading != null && cacheNote != null ? "; " : "")
                    + (cacheNote == null ? "" : cacheNote);
        }
    }

    private static RuleCache cache(AgentConfig config, String application, String setting) {
        String value = config.get(Setting.RULES_CACHE);
        if (value != null) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            return v.equals(CACHE_OFF) || v.equals("false") || v.equals("none") ? null : new RuleCache(new File(value));
        }
        // A local file is its own cache.
        if (setting.trim().toLowerCase(Locale.ROOT).startsWith("file:")) {
            return null;
        }
        return new RuleCache(RuleCache.defaultFile(application, setting));
    }

    private static void restore(RuleCache cache, RuleStore store, String shown, boolean failed, Long waitedMillis,
                                long tookMillis) {
        String why = failed ? "could not start" : waitedMillis != null ? "has not answered within " + waitedMillis
                + " ms (lanes.rules.startup.wait)" : "has delivered no valid rules";
        RuleCache.Entry entry;
        try {
            entry = cache.load();
        } catch (Throwable t) {
            AgentLog.warn("rule source " + shown + " " + why + ", and the rules cache cannot be used: "
                    + t.getMessage() + "; starting with no rules");
            return;
        }
        if (entry == null) {
            if (failed) {
                // The ERROR line of the failed start says it all.
                return;
            }
            AgentLog.warn("rule source " + shown + " " + why + ", and there is no rules cache yet ("
                    + cache.file() + "); starting with no rules, which apply as soon as it answers");
            return;
        }
        if (!shown.equals(entry.source())) {
            AgentLog.warn("rule source " + shown + " " + why + "; the rules cache " + cache.file()
                    + " holds rules of another source (" + entry.source() + ") and is not used");
            return;
        }
        String origin = CACHE_ORIGIN + cache.file() + " (last good rules from " + shown + ", saved "
                + entry.savedAt() + ")";
        if (store.applyIfNoneApplied(entry.documents(), origin)) {
            AgentLog.warn("rule source " + shown + " " + why + " after " + tookMillis
                    + " ms; the last good rules, version " + store.current().version() + " saved " + entry.savedAt()
                    + ", are in force" + (failed ? "" : " until it answers"));
        }
    }

    /** Writes every good delivery of the source to the cache. */
    private static final class CacheWriter implements Consumer<RuleSnapshot> {
        private volatile RuleCache cache;
        private final RuleStore store;
        private final String source;

        CacheWriter(RuleCache cache, RuleStore store, String source) {
            this.cache = cache;
            this.store = store;
            this.source = source;
        }

        /** Writes to {@code next} from now on. */
        void use(RuleCache next) {
            cache = next;
        }

        /** Writes the rules in force, when they came from the source. */
        void saveNow() {
            RuleSnapshot s = store.current();
            if (store.appliedCount() > 0 && !s.source().startsWith(CACHE_ORIGIN)) {
                accept(s);
            }
        }

        @Override
        public void accept(RuleSnapshot snapshot) {
            if (snapshot.source().startsWith(CACHE_ORIGIN)) {
                return;
            }
            RuleCache cache = this.cache;
            try {
                cache.save(store.documents(), store.removed(), source, snapshot.version());
            } catch (Throwable t) {
                AgentLog.warnOnce("rules-cache-write:" + cache.file(), "cannot write the rules cache "
                        + cache.file() + " (" + t + "); a restart while the rule source is down will start with no "
                        + "rules (set lanes.rules.cache to a writable file)");
            }
        }
    }

    /** Passes everything on, and tells when the source first answered, whatever the answer. */
    private static final class FirstAnswer implements RuleSink {
        private final RuleSink delegate;
        private final CountDownLatch answered = new CountDownLatch(1);

        FirstAnswer(RuleSink delegate) {
            this.delegate = delegate;
        }

        boolean await(long millis) {
            try {
                return answered.await(millis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        @Override
        public void accept(String text, String origin) {
            try {
                delegate.accept(text, origin);
            } finally {
                answered.countDown();
            }
        }

        @Override
        public void accept(List<RuleDocument> documents, String origin) {
            try {
                delegate.accept(documents, origin);
            } finally {
                answered.countDown();
            }
        }

        @Override
        public void sourceError(String message, Throwable cause) {
            try {
                delegate.sourceError(message, cause);
            } finally {
                answered.countDown();
            }
        }

        @Override
        public void sourceRecovered() {
            delegate.sourceRecovered();
        }
    }
}
