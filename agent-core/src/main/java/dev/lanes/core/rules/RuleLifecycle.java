package dev.lanes.core.rules;

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
    private static final String CACHE_ORIGIN = "cache:";

    private RuleLifecycle() {
    }

    /**
     * Starts the rule source named by {@code lanes.rules}, if any.
     *
     * @return the started source, to close at shutdown, or null
     */
    public static RuleSource start(AgentConfig config, String application, RuleStore store, ClassLoader loader) {
        String setting = config.get(Setting.RULES);
        if (setting == null) {
            AgentLog.info("no rule source set (lanes.rules): lanes follow instance tags alone");
            return null;
        }
        String shown = RuleSources.redact(setting);
        long waitMillis = Durations.parseMillis(config.get(Setting.RULES_STARTUP_WAIT, DEFAULT_STARTUP_WAIT));
        RuleCache cache = cache(config, application, setting);
        if (cache != null) {
            store.addListener(new CacheWriter(cache, store, shown));
        }
        FirstAnswer sink = new FirstAnswer(store.sinkFor(shown));
        RuleSource source = null;
        long started = System.nanoTime();
        try {
            source = RuleSources.load(loader).start(setting, application, sink);
        } catch (Throwable t) {
            AgentLog.error("rule source '" + shown + "' could not start: " + t.getMessage()
                    + "; the agent runs without it", null);
            store.sourceError(shown, String.valueOf(t.getMessage()), null);
        }
        boolean answered = source == null || sink.await(waitMillis);
        if (store.appliedCount() > 0 || cache == null) {
            if (!answered) {
                AgentLog.warn("rule source " + shown + " has not answered within " + waitMillis
                        + " ms (lanes.rules.startup.wait); starting with no rules, which apply as soon as it answers");
            }
            return source;
        }
        restore(cache, store, shown, answered ? null : waitMillis, (System.nanoTime() - started) / 1000000L);
        return source;
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

    private static void restore(RuleCache cache, RuleStore store, String shown, Long waitedMillis, long tookMillis) {
        String why = waitedMillis != null ? "has not answered within " + waitedMillis + " ms (lanes.rules.startup.wait)"
                : "has delivered no valid rules";
        RuleCache.Entry entry;
        try {
            entry = cache.load();
        } catch (Throwable t) {
            AgentLog.warn("rule source " + shown + " " + why + ", and the rules cache cannot be used: "
                    + t.getMessage() + "; starting with no rules");
            return;
        }
        if (entry == null) {
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
                    + ", are in force until it answers");
        }
    }

    /** Writes every good delivery of the source to the cache. */
    private static final class CacheWriter implements Consumer<RuleSnapshot> {
        private final RuleCache cache;
        private final RuleStore store;
        private final String source;

        CacheWriter(RuleCache cache, RuleStore store, String source) {
            this.cache = cache;
            this.store = store;
            this.source = source;
        }

        @Override
        public void accept(RuleSnapshot snapshot) {
            if (snapshot.source().startsWith(CACHE_ORIGIN)) {
                return;
            }
            try {
                cache.save(store.documents(), source, snapshot.version());
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
    }
}
