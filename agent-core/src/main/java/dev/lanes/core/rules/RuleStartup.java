package dev.lanes.core.rules;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.AgentLog;
import dev.lanes.core.config.AgentConfig;
import dev.lanes.core.config.Durations;
import dev.lanes.core.config.Setting;
import dev.lanes.core.rules.source.AgentAnnouncement;
import dev.lanes.core.rules.source.RuleSource;
import dev.lanes.core.rules.source.RuleSources;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Starts the rule source off premain, on a thread of its own, so that connecting to a rule
 * center (and loading its client) overlaps the application's own start-up instead of delaying
 * it. The rules the engine reads come through {@link #get()}, which holds the first routing
 * decisions (and registration, through the engine) until the start is done, at most
 * {@code lanes.rules.startup.wait} after the agent started plus {@link #CACHE_GRACE_MILLIS}
 * to put cached rules in force; then and ever after it is one volatile read.
 */
public final class RuleStartup implements Supplier<RuleSnapshot> {

    /** Time beyond the start-up wait for the cache of last good rules to be read. */
    static final long CACHE_GRACE_MILLIS = 1_000L;

    private final RuleStore store;
    private final CountDownLatch done = new CountDownLatch(1);
    private final long deadlineNanos;
    private volatile boolean ready;
    private volatile Thread starter;
    private volatile RuleSource source;
    private volatile boolean closed;
    private RuleLifecycle.Running running;
    private String learntName;
    private String failure;
    private boolean startLineShown;
    private String shown;
    private AgentAnnouncement announcement;

    private RuleStartup(RuleStore store, long waitMillis) {
        this.store = store;
        this.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis + CACHE_GRACE_MILLIS);
    }

    /**
     * Starts the source named by {@code lanes.rules} in the background; with none set, the
     * returned supplier is ready at once.
     */
    public static RuleStartup begin(final AgentConfig config, final String application, final RuleStore store,
                                    final ClassLoader loader) {
        String setting = config.get(Setting.RULES);
        if (setting == null) {
            RuleStartup none = new RuleStartup(store, 0L);
            RuleLifecycle.start(config, application, store, loader);
            none.finish();
            return none;
        }
        long waitMillis;
        try {
            waitMillis = Durations.parseMillis(config.get(Setting.RULES_STARTUP_WAIT, RuleLifecycle.DEFAULT_STARTUP_WAIT));
        } catch (RuntimeException e) {
            waitMillis = Durations.parseMillis(RuleLifecycle.DEFAULT_STARTUP_WAIT);
        }
        final RuleStartup startup = new RuleStartup(store, waitMillis);
        startup.shown = RuleSources.redact(setting);
        Thread thread = new Thread(new Runnable() {
            @Override
            public void run() {
                try {
                    startup.started(RuleLifecycle.begin(config, application, store, loader,
                            new Consumer<String>() {
                                @Override
                                public void accept(String reason) {
                                    startup.failed(reason);
                                }
                            }));
                } catch (Throwable t) {
                    AgentFaults.report("rules:start", t);
                } finally {
                    startup.finish();
                }
            }
        }, "lanes-rules-start");
        thread.setDaemon(true);
        startup.starter = thread;
        thread.start();
        return startup;
    }

    private void started(RuleLifecycle.Running run) {
        RuleSource started = run == null ? null : run.source;
        source = started;
        if (closed && started != null) {
            started.close();
        }
        String name;
        AgentAnnouncement announce;
        synchronized (this) {
            running = run;
            name = learntName;
            announce = announcement;
        }
        if (announce != null && started != null && !closed) {
            announceThrough(started, announce);
        }
        if (name != null && run != null) {
            String change = run.applicationNameFound(name);
            if (change != null) {
                AgentLog.info("application name '" + name + "': " + change);
            }
        }
    }

    /** The source could not start: the start line says so, or, when it was shown already, one ERROR line. */
    private void failed(String reason) {
        boolean shownAlready;
        synchronized (this) {
            failure = reason;
            shownAlready = startLineShown;
        }
        if (shownAlready) {
            AgentLog.error("rules=" + shown + " FAILED (" + reason
                    + "); the agent runs without a rule source", null);
        }
    }

    /**
     * For the agent's start line, which is then shown: why the source could not start, or null
     * while it has not failed (a failure learnt later is logged on its own line).
     */
    public synchronized String startLineShown() {
        startLineShown = true;
        return failure;
    }

    /**
     * The application's name, learnt from the framework after start: the rule source reads the
     * application's own document from now on (once it has started, if it is still starting).
     *
     * @return what changed, for the log line that tells the name, or null
     */
    public String applicationNameFound(String name) {
        RuleLifecycle.Running run;
        synchronized (this) {
            if (learntName != null) {
                return null;
            }
            learntName = name;
            run = running;
        }
        if (run != null) {
            return run.applicationNameFound(name);
        }
        return shown == null ? null : "rule source " + shown + " reads its document once it has started";
    }

    /**
     * Publishes this agent's admin address through the rule source (once it has started, if it is
     * still starting), for {@code console --rules}; a source that cannot is passed over quietly.
     */
    public void announce(AgentAnnouncement a) {
        RuleSource started;
        synchronized (this) {
            announcement = a;
            started = running == null ? null : source;
        }
        if (started != null && !closed) {
            announceThrough(started, a);
        }
    }

    private static void announceThrough(RuleSource s, AgentAnnouncement a) {
        try {
            if (s.announce(a)) {
                AgentLog.debug("admin endpoint " + a.admin() + " announced through the " + s.scheme() + " rule source");
            }
        } catch (Throwable t) {
            AgentFaults.report("rules:announce", t);
        }
    }

    private void finish() {
        ready = true;
        done.countDown();
    }

    /** The rules in force, once the start is done or its time is up. */
    @Override
    public RuleSnapshot get() {
        if (!ready) {
            awaitStart();
        }
        return store.get();
    }

    /** Whether the source's first answer (or the cache, or the wait's end) has come. */
    public boolean isReady() {
        return ready;
    }

    /** Waits for the start to be done, at most until the deadline; never on the starting thread itself. */
    public void awaitStart() {
        if (ready || Thread.currentThread() == starter) {
            return;
        }
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            return;
        }
        try {
            done.await(left, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the source, now or as soon as it has started. Never throws. */
    public void close() {
        closed = true;
        RuleSource s = source;
        if (s != null) {
            try {
                s.close();
            } catch (Throwable t) {
                AgentFaults.report("rules:close", t);
            }
        }
    }
}
