package dev.lanes.bridge;

import java.util.concurrent.Callable;

/**
 * The traffic tag of the request the current thread works for, and the headers it carries down
 * the chain ({@link CarriedHeaders}). Inbound instrumentation attaches them and restores the
 * previous values when the request ends, so neither leaks to the next request served by the
 * same thread.
 */
public final class TrafficContext {

    /** HTTP header that carries the traffic tag from hop to hop. */
    public static final String HEADER = "x-lanes-tag";
    /** Dubbo attachment key that carries the traffic tag. */
    public static final String ATTACHMENT = "x-lanes-tag";
    /** W3C baggage member that carries the traffic tag. */
    public static final String BAGGAGE_KEY = "lanes.tag";

    /**
     * What an adapter returns instead of a previous state when it entered nothing, so that
     * {@link #exit(Object)} leaves the thread alone. Compared by identity, never by value.
     */
    public static final Object NOT_ENTERED = new Object();

    private static final ThreadLocal<String> TAG = new ThreadLocal<String>();
    /** The headers the rules list under {@code propagate}, as the current request carries them. */
    private static final ThreadLocal<CarriedHeaders> HEADERS = new ThreadLocal<CarriedHeaders>();
    /**
     * The tag as Lanes last set it on this thread, inherited by the threads it creates: on a
     * thread Lanes never set a tag on, the tag of the request during which the thread was
     * created. Only read to tell a lost tag ({@link TagLoss}), never to route.
     */
    private static final InheritableThreadLocal<String> ORIGIN = new InheritableThreadLocal<String>();

    private TrafficContext() {
    }

    /** The current traffic tag, or null for untagged (base) traffic. */
    public static String tag() {
        return TAG.get();
    }

    /** The headers the current request carries down the chain, or null. */
    public static CarriedHeaders headers() {
        return HEADERS.get();
    }

    /**
     * The tag an outbound call carries: the current request's, else this instance's own tag, so
     * that work which starts on a tagged instance outside any request (a scheduled job, a runner,
     * a thread of the application's) stays in the instance's lane (DESIGN row 4). Null on a base
     * instance with no request tag.
     */
    public static String outboundTag() {
        String tag = TAG.get();
        if (tag != null) {
            return tag;
        }
        String instance = Lanes.routing().instanceTag();
        String origin = ORIGIN.get();
        if (origin != null && !origin.equals(instance)) {
            // Created during a tagged request, never given a tag by Lanes: the lane is lost here.
            TagLoss.lost(TagLoss.Via.THREAD, origin);
        }
        return instance;
    }

    /**
     * The tag of the request this thread works for, when Lanes lost it: the tag of the request
     * during which the thread was created, on a thread Lanes never set a tag on; else null.
     */
    public static String lostTag() {
        return TAG.get() == null ? ORIGIN.get() : null;
    }

    /**
     * The traffic tag of one outbound hop, decided the one way every plugin decides it: a tag
     * the call itself carries ({@code x-lanes-tag} set on the outgoing request or invocation)
     * beats the thread's; a malformed one is logged once and ignored. Null when neither has a
     * tag: the engine then routes by this instance's own tag.
     *
     * @param onCall the raw tag the outgoing call carries, or null
     * @param where  where it was read, for the warning (e.g. "outbound header x-lanes-tag")
     */
    public static String hopTag(String onCall, String where) {
        String tag = onCall == null ? null : Tags.fromOutside(onCall, where);
        return tag != null ? tag : TAG.get();
    }

    /** True when the thread has neither a traffic tag nor carried headers. */
    public static boolean isEmpty() {
        return TAG.get() == null && HEADERS.get() == null;
    }

    /**
     * Makes {@code tag} current and returns the previous value, to be handed to
     * {@link #restore(String)} in a finally block. Carried headers are left as they are.
     */
    public static String attach(String tag) {
        set(ORIGIN, tag);
        String previous = TAG.get();
        set(TAG, tag);
        return previous;
    }

    /** Restores a value returned by {@link #attach(String)}. */
    public static void restore(String previous) {
        set(TAG, previous);
        set(ORIGIN, previous);
    }

    /**
     * The thread's traffic state as one value to hand to another thread or keep on a request:
     * the tag itself (or null) when no header is carried, which costs nothing; else an
     * immutable pair of tag and headers.
     */
    public static Object capture() {
        return state(TAG.get(), HEADERS.get());
    }

    /** The state value for a tag and carried headers (see {@link #capture()}). */
    public static Object state(String tag, CarriedHeaders headers) {
        return headers == null ? tag : new State(tag, headers);
    }

    /** The tag of a state value from {@link #capture()} or {@link #state}. */
    public static String tagOf(Object state) {
        return state instanceof State ? ((State) state).tag : state instanceof String ? (String) state : null;
    }

    /** The carried headers of a state value from {@link #capture()} or {@link #state}. */
    public static CarriedHeaders headersOf(Object state) {
        return state instanceof State ? ((State) state).headers : null;
    }

    /**
     * Makes a state value current (tag and carried headers together) and returns the previous
     * one, to be handed to {@link #exit(Object)} in a finally block.
     */
    public static Object enter(Object state) {
        Object previous = capture();
        set(TAG, tagOf(state));
        set(ORIGIN, tagOf(state));
        set(HEADERS, headersOf(state));
        return previous;
    }

    /** Restores a value returned by {@link #enter(Object)}; does nothing for {@link #NOT_ENTERED}. */
    public static void exit(Object previous) {
        if (previous == NOT_ENTERED) {
            return;
        }
        set(TAG, tagOf(previous));
        set(ORIGIN, tagOf(previous));
        set(HEADERS, headersOf(previous));
    }

    private static <V> void set(ThreadLocal<V> local, V value) {
        if (value == null) {
            local.remove();
        } else {
            local.set(value);
        }
    }

    /** Wraps a task so that it runs with the traffic state current at the time of wrapping. */
    public static Runnable wrap(Runnable task) {
        Object state = capture();
        if (state == null || task == null || task instanceof TaggedRunnable) {
            return task;
        }
        return new TaggedRunnable(task, state);
    }

    /** Wraps a task so that it runs with the traffic state current at the time of wrapping. */
    public static <V> Callable<V> wrap(Callable<V> task) {
        Object state = capture();
        if (state == null || task == null || task instanceof TaggedCallable) {
            return task;
        }
        return new TaggedCallable<V>(task, state);
    }

    /** A tag with the headers carried next to it; made only when headers are carried. */
    private static final class State {
        final String tag;
        final CarriedHeaders headers;

        State(String tag, CarriedHeaders headers) {
            this.tag = tag;
            this.headers = headers;
        }

        @Override
        public String toString() {
            return tag + " " + headers;
        }
    }

    /** A task that carries the traffic tag of the thread that submitted it. */
    public static final class TaggedRunnable implements Runnable {
        private final Runnable delegate;
        private final Object state;

        TaggedRunnable(Runnable delegate, Object state) {
            this.delegate = delegate;
            this.state = state;
        }

        @Override
        public void run() {
            Object previous = enter(state);
            try {
                delegate.run();
            } finally {
                exit(previous);
            }
        }

        public Runnable delegate() {
            return delegate;
        }
    }

    /** A task that carries the traffic tag of the thread that submitted it. */
    public static final class TaggedCallable<V> implements Callable<V> {
        private final Callable<V> delegate;
        private final Object state;

        TaggedCallable(Callable<V> delegate, Object state) {
            this.delegate = delegate;
            this.state = state;
        }

        @Override
        public V call() throws Exception {
            Object previous = enter(state);
            try {
                return delegate.call();
            } finally {
                exit(previous);
            }
        }
    }
}
