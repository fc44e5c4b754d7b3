package dev.lanes.bridge;

import java.util.concurrent.Callable;

/**
 * The traffic tag of the request the current thread works for. Inbound instrumentation
 * attaches it and restores the previous value when the request ends, so a tag never leaks
 * to the next request served by the same thread.
 */
public final class TrafficContext {

    /** HTTP header that carries the traffic tag from hop to hop. */
    public static final String HEADER = "x-lanes-tag";
    /** Dubbo attachment key that carries the traffic tag. */
    public static final String ATTACHMENT = "x-lanes-tag";
    /** W3C baggage member that carries the traffic tag. */
    public static final String BAGGAGE_KEY = "lanes.tag";

    private static final ThreadLocal<String> TAG = new ThreadLocal<String>();

    private TrafficContext() {
    }

    /** The current traffic tag, or null for untagged (base) traffic. */
    public static String tag() {
        return TAG.get();
    }

    /**
     * Makes {@code tag} current and returns the previous value, to be handed to
     * {@link #restore(String)} in a finally block.
     */
    public static String attach(String tag) {
        String previous = TAG.get();
        if (tag == null) {
            TAG.remove();
        } else {
            TAG.set(tag);
        }
        return previous;
    }

    /** Restores a value returned by {@link #attach(String)}. */
    public static void restore(String previous) {
        if (previous == null) {
            TAG.remove();
        } else {
            TAG.set(previous);
        }
    }

    /** Wraps a task so that it runs with the traffic tag current at the time of wrapping. */
    public static Runnable wrap(Runnable task) {
        String tag = TAG.get();
        if (tag == null || task == null || task instanceof TaggedRunnable) {
            return task;
        }
        return new TaggedRunnable(task, tag);
    }

    /** Wraps a task so that it runs with the traffic tag current at the time of wrapping. */
    public static <V> Callable<V> wrap(Callable<V> task) {
        String tag = TAG.get();
        if (tag == null || task == null || task instanceof TaggedCallable) {
            return task;
        }
        return new TaggedCallable<V>(task, tag);
    }

    /** A task that carries the traffic tag of the thread that submitted it. */
    public static final class TaggedRunnable implements Runnable {
        private final Runnable delegate;
        private final String tag;

        TaggedRunnable(Runnable delegate, String tag) {
            this.delegate = delegate;
            this.tag = tag;
        }

        @Override
        public void run() {
            String previous = attach(tag);
            try {
                delegate.run();
            } finally {
                restore(previous);
            }
        }

        public Runnable delegate() {
            return delegate;
        }
    }

    /** A task that carries the traffic tag of the thread that submitted it. */
    public static final class TaggedCallable<V> implements Callable<V> {
        private final Callable<V> delegate;
        private final String tag;

        TaggedCallable(Callable<V> delegate, String tag) {
            this.delegate = delegate;
            this.tag = tag;
        }

        @Override
        public V call() throws Exception {
            String previous = attach(tag);
            try {
                return delegate.call();
            } finally {
                restore(previous);
            }
        }
    }
}
