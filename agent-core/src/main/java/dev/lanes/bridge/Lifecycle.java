package dev.lanes.bridge;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Lossless online and offline as plugins see it: registrations held back until the
 * application is ready, deregistration and draining at shutdown, and the in-flight request
 * count that draining waits on. The agent core installs the real lifecycle; until then, or if
 * the core failed, registrations go through at once and shutdown does nothing, as without the
 * agent.
 */
public final class Lifecycle {

    /** Response header (HTTP) and result attachment (Dubbo) on answers given while draining. */
    public static final String CLOSING_HEADER = "x-lanes-closing";

    /** What plugins call; implemented by the agent core. */
    public interface Control {

        /**
         * Called where a plugin intercepted a registration. Returns true when the agent holds it
         * back: it then runs {@code register} itself once the application is ready (plus
         * {@code lossless.registrationDelay}), and the plugin must skip the original call. Returns
         * false when the registration should go ahead now (already ready, or a fault).
         *
         * @param what       names the registration for logs and the admin endpoint
         * @param register   performs the registration again, bypassing the hold
         * @param deregister undoes it at shutdown
         */
        boolean holdRegistration(String what, Runnable register, Runnable deregister);

        /**
         * A plugin knows that a ready signal will come ({@link #ready}): from then on
         * registrations are held. Until a plugin says so, none is, so that an application
         * whose ready point no plugin sees still registers as without the agent.
         */
        void readyExpected(String from);

        /** A registration went ahead (not held): remembered so that shutdown undoes it. */
        void registered(String what, Runnable deregister);

        /** The application is ready to serve (Spring's ApplicationReadyEvent, Dubbo started). */
        void ready(String by);

        /**
         * Deregisters everything this instance registered, then serves in-flight and late
         * requests until none has been in flight for a quiet period or {@code lossless.drain} is
         * up. Runs once; a second caller (another shutdown path) waits until the first is done.
         */
        void shutdown(String by);
    }

    private static final Control IMMEDIATE = new Control() {
        @Override
        public boolean holdRegistration(String what, Runnable register, Runnable deregister) {
            return false;
        }

        @Override
        public void readyExpected(String from) {
        }

        @Override
        public void registered(String what, Runnable deregister) {
        }

        @Override
        public void ready(String by) {
        }

        @Override
        public void shutdown(String by) {
        }
    };

    private static final AtomicInteger IN_FLIGHT = new AtomicInteger();
    private static final LongAdder ARRIVALS = new LongAdder();
    private static volatile boolean closing;
    private static volatile Control control = IMMEDIATE;

    private Lifecycle() {
    }

    public static Control control() {
        return control;
    }

    public static void install(Control implementation) {
        control = implementation == null ? IMMEDIATE : implementation;
    }

    /** An inbound request began (its outermost entry). Pair with {@link #requestEnded()}. */
    public static void requestStarted() {
        ARRIVALS.increment();
        IN_FLIGHT.incrementAndGet();
    }

    public static void requestEnded() {
        IN_FLIGHT.decrementAndGet();
    }

    public static int inFlight() {
        return IN_FLIGHT.get();
    }

    /** Inbound requests so far; unchanged over a period means none arrived in it. */
    public static long arrivals() {
        return ARRIVALS.sum();
    }

    /** True from the moment shutdown deregisters: answers then carry {@link #CLOSING_HEADER}. */
    public static boolean closing() {
        return closing;
    }

    public static void closing(boolean value) {
        closing = value;
    }
}
