package dev.lanes.bridge;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Traffic tags of tasks handed to other threads, keyed weakly by the identity of the task
 * object: an executor captures the submitter's tag when a task is handed over, and the worker
 * attaches it around the task's run. No field is added to any class and the task object the
 * application sees stays the same one.
 */
public final class TaskTags {

    /**
     * Returned by the attach methods when nothing was attached, so that {@link #restore} knows
     * to leave the thread alone. Compared by identity, never by value.
     */
    public static final String NOT_ATTACHED = new String("lanes:not-attached");

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

    /** Remembers the current traffic tag for {@code task}, unless there is none or one was remembered already. */
    public static void capture(Object task) {
        String tag = TrafficContext.tag();
        if (tag != null && task != null) {
            int hash = hash(task);
            TABLE[hash & (STRIPES - 1)].putIfAbsent(task, hash, tag);
        }
    }

    /**
     * What a {@code ThreadPoolExecutor} should queue for {@code task}: the task itself, with the
     * tag remembered aside, when its class has instrumented run methods (JDK futures and
     * {@code CompletableFuture} tasks, whose identity applications rely on); otherwise a
     * {@link TrafficContext.TaggedRunnable} around it.
     */
    public static Runnable forThreadPool(Runnable task) {
        if (task == null || TrafficContext.tag() == null || task instanceof TrafficContext.TaggedRunnable) {
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
        if (task == null || TrafficContext.tag() == null) {
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
    public static String attachOnce(Object task) {
        return attach(task, true);
    }

    /**
     * Attaches the tag remembered for a task that runs repeatedly (a periodic task) and keeps
     * it for the next run. Returns the value for {@link #restore}.
     */
    public static String attachEach(Object task) {
        return attach(task, false);
    }

    /** Undoes an attach; does nothing for {@link #NOT_ATTACHED}. */
    public static void restore(String previous) {
        if (previous != NOT_ATTACHED) {
            TrafficContext.restore(previous);
        }
    }

    /** The tag remembered for {@code task}, or null; for tests and diagnostics. */
    public static String peek(Object task) {
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

    private static String attach(Object task, boolean forget) {
        if (task == null || SIZE.get() == 0) {
            return NOT_ATTACHED;
        }
        try {
            int hash = hash(task);
            String tag = TABLE[hash & (STRIPES - 1)].get(task, hash, forget);
            if (tag == null) {
                return NOT_ATTACHED;
            }
            return TrafficContext.attach(tag);
        } catch (Throwable t) {
            // Runs inside JDK executors: never let a fault of ours reach the task.
            return NOT_ATTACHED;
        }
    }

    private static int hash(Object task) {
        int h = System.identityHashCode(task);
        // Spread the high bits: identity hashes are not uniformly distributed in the low bits.
        return h ^ (h >>> 16);
    }

    private static final class Entry extends WeakReference<Object> {
        final int hash;
        final String tag;
        Entry next;

        Entry(Object key, int hash, String tag, Entry next, ReferenceQueue<Object> queue) {
            super(key, queue);
            this.hash = hash;
            this.tag = tag;
            this.next = next;
        }
    }

    /** One lock's share of the table: a chained hash table with weak keys compared by identity. */
    private static final class Stripe {
        private final ReferenceQueue<Object> queue = new ReferenceQueue<Object>();
        private Entry[] buckets = new Entry[16];
        private int count;

        synchronized void putIfAbsent(Object key, int hash, String tag) {
            expunge();
            int index = (hash >>> 6) & (buckets.length - 1);
            for (Entry e = buckets[index]; e != null; e = e.next) {
                if (e.get() == key) {
                    return;
                }
            }
            buckets[index] = new Entry(key, hash, tag, buckets[index], queue);
            count++;
            SIZE.incrementAndGet();
            if (count > buckets.length * 3 / 4) {
                resize();
            }
        }

        synchronized String get(Object key, int hash, boolean remove) {
            expunge();
            int index = (hash >>> 6) & (buckets.length - 1);
            Entry previous = null;
            for (Entry e = buckets[index]; e != null; previous = e, e = e.next) {
                if (e.get() == key) {
                    if (remove) {
                        unlink(index, previous, e);
                        e.clear();
                    }
                    return e.tag;
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
