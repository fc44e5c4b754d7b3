package dev.lanes.bridge;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Traffic state (tag and carried headers) of tasks handed to other threads, keyed weakly by the
 * identity of the task object: an executor captures the submitter's state when a task is handed
 * over, and the worker attaches it around the task's run. No field is added to any class and the task object the
 * application sees stays the same one.
 */
public final class TaskTags {

    private static final int STRIPES = 64;
    private static final Stripe[] TABLE = new Stripe[STRIPES];
    /** Live entries over all stripes; zero lets every lookup return without locking. */
    private static final AtomicInteger SIZE = new AtomicInteger();

    static {
        for (int i = 0; i < STRIPES; i++) {
            TABLE[i] = new Stripe();
        }
    }

    private TaskTags() {
    }

    /**
     * Remembers the current traffic state (tag and carried headers) for {@code task}, unless there
     * is none or one was remembered already.
     */
    public static void capture(Object task) {
        Object state = TrafficContext.capture();
        if (state != null && task != null) {
            int hash = hash(task);
            TABLE[hash & (STRIPES - 1)].putIfAbsent(task, hash, state);
        }
    }

    /**
     * What a {@code ThreadPoolExecutor} should queue for {@code task}: the task itself, with the
     * tag remembered aside, when its class has instrumented run methods (JDK futures and
     * {@code CompletableFuture} tasks, whose identity applications rely on); otherwise a
     * {@link TrafficContext.TaggedRunnable} around it.
     */
    public static Runnable forThreadPool(Runnable task) {
        if (task == null || TrafficContext.isEmpty() || task instanceof TrafficContext.TaggedRunnable) {
            return task;
        }
        if (task instanceof FutureTask || task instanceof CompletableFuture.AsynchronousCompletionTask) {
            capture(task);
            return task;
        }
        return TrafficContext.wrap(task);
    }

    /**
     * What a {@code ForkJoinPool} should take for {@code task}: fork-join tasks as they are, with
     * the tag remembered aside; any other runnable wrapped (the pool adapts it into a task of
     * its own and never hands the runnable back).
     */
    public static Runnable forForkJoinPool(Runnable task) {
        if (task == null || TrafficContext.isEmpty()) {
            return task;
        }
        if (task instanceof ForkJoinTask) {
            capture(task);
            return task;
        }
        return TrafficContext.wrap(task);
    }

    /**
     * Attaches the tag remembered for a task that runs once, and forgets it. Returns the value
     * for {@link #restore}.
     */
    public static Object attachOnce(Object task) {
        return attach(task, true);
    }

    /**
     * Attaches the tag remembered for a task that runs repeatedly (a periodic task) and keeps
     * it for the next run. Returns the value for {@link #restore}.
     */
    public static Object attachEach(Object task) {
        return attach(task, false);
    }

    /** Undoes an attach; does nothing when nothing was attached. */
    public static void restore(Object previous) {
        TrafficContext.exit(previous);
    }

    /** The state remembered for {@code task} (see {@link TrafficContext#capture()}), or null; for tests and diagnostics. */
    public static Object peek(Object task) {
        if (task == null || SIZE.get() == 0) {
            return null;
        }
        int hash = hash(task);
        return TABLE[hash & (STRIPES - 1)].get(task, hash, false);
    }

    /** Number of tasks with a remembered tag that are still reachable (roughly). */
    public static int size() {
        return SIZE.get();
    }

    private static Object attach(Object task, boolean forget) {
        if (task == null || SIZE.get() == 0) {
            return TrafficContext.NOT_ENTERED;
        }
        try {
            int hash = hash(task);
            Object state = TABLE[hash & (STRIPES - 1)].get(task, hash, forget);
            if (state == null) {
                return TrafficContext.NOT_ENTERED;
            }
            return TrafficContext.enter(state);
        } catch (Throwable t) {
            // Runs inside JDK executors: never let a fault of ours reach the task.
            return TrafficContext.NOT_ENTERED;
        }
    }

    private static int hash(Object task) {
        int h = System.identityHashCode(task);
        // Spread the high bits: identity hashes are not uniformly distributed in the low bits.
        return h ^ (h >>> 16);
    }

    private static final class Entry extends WeakReference<Object> {
        final int hash;
        final Object state;
        Entry next;

        Entry(Object key, int hash, Object state, Entry next, ReferenceQueue<Object> queue) {
            super(key, queue);
            this.hash = hash;
            this.state = state;
            this.next = next;
        }
    }

    /** One lock's share of the table: a chained hash table with weak keys compared by identity. */
    private static final class Stripe {
        private final ReferenceQueue<Object> queue = new ReferenceQueue<Object>();
        private Entry[] buckets = new Entry[16];
        private int count;

        synchronized void putIfAbsent(Object key, int hash, Object state) {
            expunge();
            int index = (hash >>> 6) & (buckets.length - 1);
            for (Entry e = buckets[index]; e != null; e = e.next) {
                if (e.get() == key) {
                    return;
                }
            }
            buckets[index] = new Entry(key, hash, state, buckets[index], queue);
            count++;
            SIZE.incrementAndGet();
            if (count > buckets.length * 3 / 4) {
                resize();
            }
        }

        synchronized Object get(Object key, int hash, boolean remove) {
            expunge();
            int index = (hash >>> 6) & (buckets.length - 1);
            Entry previous = null;
            for (Entry e = buckets[index]; e != null; previous = e, e = e.next) {
                if (e.get() == key) {
                    if (remove) {
                        unlink(index, previous, e);
                        e.clear();
                    }
                    return e.state;
                }
            }
            return null;
        }

        private void unlink(int index, Entry previous, Entry e) {
            if (previous == null) {
                buckets[index] = e.next;
            } else {
                previous.next = e.next;
            }
            count--;
            SIZE.decrementAndGet();
        }

        /** Drops the entries whose task was collected. */
        private void expunge() {
            Object stale;
            while ((stale = queue.poll()) != null) {
                Entry dead = (Entry) stale;
                int index = (dead.hash >>> 6) & (buckets.length - 1);
                Entry previous = null;
                for (Entry e = buckets[index]; e != null; previous = e, e = e.next) {
                    if (e == dead) {
                        unlink(index, previous, e);
                        break;
                    }
                }
            }
        }

        private void resize() {
            Entry[] old = buckets;
            Entry[] grown = new Entry[old.length * 2];
            for (Entry head : old) {
                Entry e = head;
                while (e != null) {
                    Entry next = e.next;
                    int index = (e.hash >>> 6) & (grown.length - 1);
                    e.next = grown[index];
                    grown[index] = e;
                    e = next;
                }
            }
            buckets = grown;
        }
    }
}
