package dev.lanes.core.lifecycle;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.AgentLog;
import dev.lanes.bridge.Lifecycle;
import dev.lanes.core.rules.LosslessSettings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * This instance's lifecycle for lossless online and offline: holds registrations until the
 * application is ready plus {@code lossless.registrationDelay}; at shutdown deregisters them
 * all, then drains (see {@link Drain}). Its phase is the readiness the admin endpoint shows.
 */
public final class LosslessLifecycle implements Lifecycle.Control {

    /** How long no request may be in flight or arrive before draining stops early. */
    public static final long QUIET_MILLIS = 1_000L;
    static final long POLL_MILLIS = 20L;

    /** The phases, in order; {@code stopped} also ends a start that never became ready. */
    public enum Phase {
        STARTING, REGISTERING, REGISTERED, DRAINING, STOPPED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Runs a task later; the agent's own daemon thread in production, the test's hand in tests. */
    public interface Timer {
        void schedule(Runnable task, long delayMillis);
    }

    /** The inbound request counters that draining watches. */
    public interface Requests {
        int inFlight();

        long arrivals();
    }

    /** Waits between two polls of the drain; tests advance their clock instead. */
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private static final class Held {
        final String what;
        final Runnable register;
        final Runnable deregister;

        Held(String what, Runnable register, Runnable deregister) {
            this.what = what;
            this.register = register;
            this.deregister = deregister;
        }
    }

    private final Supplier<LosslessSettings> settings;
    private final LongSupplier clock;
    private final Timer timer;
    private final Requests requests;
    private final Sleeper sleeper;
    private final long quietMillis;

    private final List<Held> held = new ArrayList<Held>();
    private final List<Held> registered = new ArrayList<Held>();
    private final CountDownLatch shutdownDone = new CountDownLatch(1);
    private Phase phase = Phase.STARTING;
    private long phaseSinceMillis;
    private String why = "waiting for the application to be ready (Spring Boot's ApplicationReadyEvent or "
            + "Dubbo started)";
    private String readyBy;
    private String readyExpectedFrom;
    private boolean released;
    private boolean readyTimeoutSet;
    private boolean shutdownStarted;
    private long registerAtMillis;
    private Map<String, Object> lastDrain;

    public LosslessLifecycle(Supplier<LosslessSettings> settings, LongSupplier clock, Timer timer, Requests requests,
                             Sleeper sleeper, long quietMillis) {
        this.settings = settings;
        this.clock = clock;
        this.timer = timer;
        this.requests = requests;
        this.sleeper = sleeper;
        this.quietMillis = quietMillis;
        this.phaseSinceMillis = clock.getAsLong();
    }

    /** The lifecycle of the running agent: the bridge's counters, a daemon timer thread. */
    public static LosslessLifecycle forAgent(Supplier<LosslessSettings> settings, LongSupplier clock) {
        return new LosslessLifecycle(settings, clock, new DaemonTimer(), new Requests() {
            @Override
            public int inFlight() {
                return Lifecycle.inFlight();
            }

            @Override
            public long arrivals() {
                return Lifecycle.arrivals();
            }
        }, new Sleeper() {
            @Override
            public void sleep(long millis) throws InterruptedException {
                Thread.sleep(millis);
            }
        }, QUIET_MILLIS);
    }

    @Override
    public boolean holdRegistration(String what, Runnable register, Runnable deregister) {
        synchronized (this) {
            if (shutdownStarted) {
                AgentLog.info("lossless: not registering " + what + ": the application is stopping");
                return true;
            }
            if (readyExpectedFrom == null) {
                // No plugin will say when the application is ready: register as without the agent,
                // and count the instance ready once it registers.
                registered.add(new Held(what, null, deregister));
                if (phase == Phase.STARTING) {
                    enter(Phase.REGISTERED, null);
                }
                return false;
            }
            // Held only while the instance is not counted registered yet: once a registration went
            // through before any ready signal was expected (a Dubbo export during the context's
            // refresh, say), holding another one would wait for a phase that is already past.
            if (!released && (phase == Phase.STARTING || phase == Phase.REGISTERING)) {
                if (held.isEmpty() && !readyTimeoutSet) {
                    readyTimeoutSet = true;
                    final long limit = settings().readyTimeoutMillis();
                    if (limit > 0) {
                        timer.schedule(new Runnable() {
                            @Override
                            public void run() {
                                readyTimedOut(limit);
                            }
                        }, limit);
                    }
                }
                held.add(new Held(what, register, deregister));
                AgentLog.info("lossless: holding back the registration of " + what + " until " + untilText());
                return true;
            }
            registered.add(new Held(what, null, deregister));
            return false;
        }
    }

    @Override
    public synchronized void readyExpected(String from) {
        if (readyExpectedFrom == null) {
            readyExpectedFrom = from;
        }
    }

    @Override
    public synchronized void registered(String what, Runnable deregister) {
        registered.add(new Held(what, null, deregister));
    }

    @Override
    public void ready(String by) {
        long delay;
        synchronized (this) {
            if (phase != Phase.STARTING || shutdownStarted || released) {
                return;
            }
            if (readyExpectedFrom != null && !readyExpectedFrom.equals(by)) {
                // Another framework's start inside the one the application is ready by (Dubbo's
                // inside Spring Boot's): not the application's ready point.
                return;
            }
            readyBy = by;
            delay = Math.max(0L, settings().registrationDelayMillis());
            AgentLog.info("lossless: the application is ready (" + by + ")" + (held.isEmpty() ? ""
                    : "; " + held.size() + " registration(s) held" + (delay > 0
                    ? ", made after lossless.registrationDelay " + delay + " ms" : ", made now")));
            if (delay > 0) {
                registerAtMillis = clock.getAsLong() + delay;
                enter(Phase.REGISTERING, "ready (" + by + "); registering after lossless.registrationDelay "
                        + delay + " ms");
            }
        }
        if (delay > 0) {
            timer.schedule(new Runnable() {
                @Override
                public void run() {
                    release();
                }
            }, delay);
        } else {
            release();
        }
    }

    /**
     * The application did not become ready within {@code lossless.readyTimeout} of the first
     * registration held: register anyway, as without the agent, rather than never.
     */
    void readyTimedOut(long limit) {
        synchronized (this) {
            if (released || shutdownStarted) {
                return;
            }
            readyBy = "lossless.readyTimeout";
        }
        AgentLog.warn("lossless: the application is not ready " + limit + " ms after its first registration was "
                + "held (" + readyExpectedFrom + " has not come: a runner or a ready listener still running?); "
                + "registering anyway (lossless.readyTimeout)");
        release();
    }

    /** Performs the registrations held back; what registers from now on goes ahead at once. */
    void release() {
        List<Held> toRegister;
        synchronized (this) {
            if (released || shutdownStarted) {
                return;
            }
            released = true;
            toRegister = new ArrayList<Held>(held);
            held.clear();
        }
        for (Held h : toRegister) {
            try {
                h.register.run();
                AgentLog.info("lossless: registered " + h.what);
                synchronized (this) {
                    registered.add(h);
                }
            } catch (Throwable t) {
                AgentFaults.report("lossless:register", t);
            }
        }
        synchronized (this) {
            if (!shutdownStarted) {
                enter(Phase.REGISTERED, null);
            }
        }
    }

    @Override
    public void shutdown(String by) {
        List<Held> toDeregister;
        synchronized (this) {
            if (shutdownStarted) {
                toDeregister = null;
            } else {
                shutdownStarted = true;
                if (phase != Phase.REGISTERED) {
                    int dropped = held.size();
                    held.clear();
                    enter(Phase.STOPPED, "stopped (" + by + ") before it was ready" + (dropped > 0
                            ? "; " + dropped + " registration(s) never made" : ""));
                    toDeregister = new ArrayList<Held>(registered);
                    if (toDeregister.isEmpty()) {
                        shutdownDone.countDown();
                        return;
                    }
                } else {
                    toDeregister = new ArrayList<Held>(registered);
                    enter(Phase.DRAINING, "shutting down (" + by + "): deregistered, serving in-flight and late "
                            + "requests");
                }
            }
        }
        if (toDeregister == null) {
            awaitOtherShutdown();
            return;
        }
        try {
            Lifecycle.closing(true);
            for (Held h : toDeregister) {
                try {
                    h.deregister.run();
                    AgentLog.info("lossless: deregistered " + h.what + " (" + by + ")");
                } catch (Throwable t) {
                    AgentFaults.report("lossless:deregister", t);
                }
            }
            drain();
        } finally {
            synchronized (this) {
                if (phase == Phase.DRAINING) {
                    enter(Phase.STOPPED, "stopped (" + by + ")");
                }
            }
            shutdownDone.countDown();
        }
    }

    private void drain() {
        long drainMillis = Math.max(0L, settings().drainMillis());
        long start = clock.getAsLong();
        Drain drain = new Drain(start, drainMillis, quietMillis, requests.arrivals());
        long arrivalsAtStart = requests.arrivals();
        try {
            while (!drain.done(clock.getAsLong(), requests.inFlight(), requests.arrivals())) {
                sleeper.sleep(POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long took = clock.getAsLong() - start;
        Map<String, Object> doc = new LinkedHashMap<String, Object>();
        doc.put("millis", took);
        doc.put("endedBy", drain.endedBy() == null ? "interrupted" : drain.endedBy());
        doc.put("requestsServed", requests.arrivals() - arrivalsAtStart);
        doc.put("inFlightAtEnd", requests.inFlight());
        synchronized (this) {
            lastDrain = doc;
        }
        AgentLog.info("lossless: drained in " + took + " ms (" + doc.get("endedBy") + ", "
                + doc.get("requestsServed") + " request(s) served while draining)");
    }

    /** Another shutdown path got there first: wait until it has drained, so nothing stops early. */
    private void awaitOtherShutdown() {
        try {
            shutdownDone.await(Math.max(0L, settings().drainMillis()) + 10_000L, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private LosslessSettings settings() {
        try {
            LosslessSettings s = settings.get();
            return s == null ? LosslessSettings.DEFAULT : s;
        } catch (Throwable t) {
            AgentFaults.report("lossless:settings", t);
            return LosslessSettings.DEFAULT;
        }
    }

    private void enter(Phase next, String reason) {
        phase = next;
        why = reason;
        phaseSinceMillis = clock.getAsLong();
    }

    private String untilText() {
        return phase == Phase.REGISTERING ? "lossless.registrationDelay is over" : "the application is ready";
    }

    public synchronized Phase phase() {
        return phase;
    }

    /** Ready for traffic: registered (or nothing to register) and not stopping. */
    public synchronized boolean ready() {
        return phase == Phase.REGISTERED;
    }

    /** The readiness view: phase, since when, why not ready, what is held and registered, the last drain. */
    public synchronized Map<String, Object> toMap() {
        Map<String, Object> doc = new LinkedHashMap<String, Object>();
        doc.put("phase", phase.label());
        doc.put("ready", phase == Phase.REGISTERED);
        doc.put("sinceMillis", phaseSinceMillis);
        doc.put("notReadyBecause", phase == Phase.REGISTERED ? null : why);
        doc.put("readySignal", readyExpectedFrom);
        doc.put("readyBy", readyBy);
        doc.put("registerAtMillis", phase == Phase.REGISTERING ? registerAtMillis : null);
        List<Object> heldNames = new ArrayList<Object>();
        for (Held h : held) {
            heldNames.add(h.what);
        }
        doc.put("held", heldNames);
        List<Object> registeredNames = new ArrayList<Object>();
        for (Held h : registered) {
            registeredNames.add(h.what);
        }
        doc.put("registered", registeredNames);
        doc.put("inFlight", requests.inFlight());
        doc.put("closing", Lifecycle.closing());
        doc.put("lastDrain", lastDrain);
        return doc;
    }

    /** One daemon thread, started on first use, for the registration delay. */
    private static final class DaemonTimer implements Timer {
        private java.util.concurrent.ScheduledExecutorService executor;

        @Override
        public synchronized void schedule(Runnable task, long delayMillis) {
            if (executor == null) {
                executor = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "lanes-lossless");
                    t.setDaemon(true);
                    return t;
                });
            }
            executor.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        }
    }
}
