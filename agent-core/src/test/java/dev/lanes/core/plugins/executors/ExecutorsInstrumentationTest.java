package dev.lanes.core.plugins.executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.bridge.CarriedHeaders;
import dev.lanes.bridge.TaskTags;
import dev.lanes.bridge.TrafficContext;
import dev.lanes.testing.InstrumentationHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RecursiveTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The executors plugin installed into this JVM (bridge on the bootstrap class path): work handed
 * to other threads sees the submitter's tag, and the worker has no tag once the work is done.
 */
class ExecutorsInstrumentationTest {

    private static final long WAIT = 30;
    private final List<ExecutorService> pools = new ArrayList<>();

    @BeforeAll
    static void install() {
        assertSame(null, TrafficContext.class.getClassLoader(), "the bridge must come from the bootstrap class path");
        InstrumentationHarness.Installed installed = InstrumentationHarness.install(new ExecutorsPlugin());
        installed.assertTransformed("java.util.concurrent.ThreadPoolExecutor");
        installed.assertTransformed("java.util.concurrent.FutureTask");
        installed.assertTransformed("java.util.concurrent.ScheduledThreadPoolExecutor");
        installed.assertTransformed("java.util.concurrent.ForkJoinPool");
        installed.assertTransformed("java.util.concurrent.ForkJoinTask");
    }

    @AfterEach
    void stop() throws InterruptedException {
        TrafficContext.restore(null);
        for (ExecutorService pool : pools) {
            pool.shutdownNow();
            pool.awaitTermination(WAIT, TimeUnit.SECONDS);
        }
    }

    private <T extends ExecutorService> T pool(T pool) {
        pools.add(pool);
        return pool;
    }

    /** Runs {@code action} with {@code tag} attached on this thread, then detaches it. */
    private static <V> V tagged(String tag, Callable<V> action) throws Exception {
        String previous = TrafficContext.attach(tag);
        try {
            return action.call();
        } finally {
            TrafficContext.restore(previous);
        }
    }

    /** The tag a single-thread pool's thread has when it is idle. */
    private static String idleTag(ExecutorService single) throws Exception {
        return single.submit(TrafficContext::tag).get(WAIT, TimeUnit.SECONDS);
    }

    @Test
    void threadPoolExecuteAndSubmitCarryTheTagAndLeaveNoneBehind() throws Exception {
        ExecutorService single = pool(Executors.newSingleThreadExecutor());
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();

        tagged("gray", () -> {
            single.execute(() -> seen.add(String.valueOf(TrafficContext.tag())));
            return null;
        });
        assertEquals("gray", seen.poll(WAIT, TimeUnit.SECONDS));
        assertNull(idleTag(single), "pool thread keeps no tag after execute");

        Future<String> submitted = tagged("blue", () -> single.submit(TrafficContext::tag));
        assertEquals("blue", submitted.get(WAIT, TimeUnit.SECONDS));
        assertNull(idleTag(single), "pool thread keeps no tag after submit");

    }

    @Test
    void submittedFuturesKeepTheirIdentity() throws Exception {
        List<Runnable> beforeExecute = new ArrayList<>();
        CountDownLatch blocker = new CountDownLatch(1);
        ThreadPoolExecutor executor = pool(new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(10)) {
            @Override
            protected void beforeExecute(Thread t, Runnable r) {
                synchronized (beforeExecute) {
                    beforeExecute.add(r);
                }
            }
        });
        executor.execute(() -> {
            try {
                blocker.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Future<String> queued = tagged("gray", () -> executor.submit(TrafficContext::tag));
        assertTrue(executor.getQueue().contains((Runnable) queued), "the queued task is the future itself");
        assertTrue(executor.remove((Runnable) queued), "the future can be removed from the queue");
        Future<String> second = tagged("gray", () -> executor.submit(TrafficContext::tag));
        blocker.countDown();
        assertEquals("gray", second.get(WAIT, TimeUnit.SECONDS));
        synchronized (beforeExecute) {
            assertTrue(beforeExecute.contains((Runnable) second), "beforeExecute sees the future itself");
        }
    }

    @Test
    void scheduledTasksCarryTheTagIncludingEveryPeriodicRun() throws Exception {
        ScheduledExecutorService scheduler = pool(Executors.newSingleThreadScheduledExecutor());
        ScheduledFuture<String> delayed = tagged("gray",
                () -> scheduler.schedule(TrafficContext::tag, 1, TimeUnit.MILLISECONDS));
        assertEquals("gray", delayed.get(WAIT, TimeUnit.SECONDS));
        assertNull(idleTag(scheduler));

        BlockingQueue<String> runs = new LinkedBlockingQueue<>();
        ScheduledFuture<?> periodic = tagged("blue", () -> scheduler.scheduleWithFixedDelay(
                () -> runs.add(String.valueOf(TrafficContext.tag())), 0, 1, TimeUnit.MILLISECONDS));
        for (int i = 0; i < 3; i++) {
            assertEquals("blue", runs.poll(WAIT, TimeUnit.SECONDS), "periodic run " + i);
        }
        periodic.cancel(false);
        assertNull(idleTag(scheduler));

        tagged("gray", () -> {
            scheduler.execute(() -> runs.add(String.valueOf(TrafficContext.tag())));
            return null;
        });
        String executed = runs.poll(WAIT, TimeUnit.SECONDS);
        while ("blue".equals(executed)) {
            executed = runs.poll(WAIT, TimeUnit.SECONDS); // a periodic run that was already due
        }
        assertEquals("gray", executed);
    }

    @Test
    void forkJoinPoolExternalSubmissionsCarryTheTag() throws Exception {
        ForkJoinPool forkJoin = pool(new ForkJoinPool(1));
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();

        tagged("gray", () -> {
            forkJoin.execute(() -> seen.add(String.valueOf(TrafficContext.tag())));
            return null;
        });
        assertEquals("gray", seen.poll(WAIT, TimeUnit.SECONDS));

        assertEquals("blue", tagged("blue", () -> forkJoin.submit(TrafficContext::tag)).get(WAIT, TimeUnit.SECONDS));

        RecursiveTask<String> task = new RecursiveTask<String>() {
            @Override
            protected String compute() {
                return TrafficContext.tag();
            }
        };
        assertEquals("green", tagged("green", () -> forkJoin.submit(task)).get(WAIT, TimeUnit.SECONDS));
        assertNull(forkJoin.submit(TrafficContext::tag).get(WAIT, TimeUnit.SECONDS), "no tag left on the worker");
    }

    @Test
    void completableFutureAsyncMethodsCarryTheTag() throws Exception {
        // With common-pool parallelism 1 (set for this JVM, as on a two-core machine) JDK 9 to 24
        // run these on a new thread per task; JDK 25 uses a pool.
        assertEquals("gray", tagged("gray", () -> CompletableFuture.supplyAsync(TrafficContext::tag))
                .get(WAIT, TimeUnit.SECONDS));

        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        tagged("blue", () -> CompletableFuture.runAsync(() -> seen.add(String.valueOf(TrafficContext.tag()))))
                .get(WAIT, TimeUnit.SECONDS);
        assertEquals("blue", seen.poll(WAIT, TimeUnit.SECONDS));

        ExecutorService single = pool(Executors.newSingleThreadExecutor());
        CompletableFuture<String> source = new CompletableFuture<>();
        CompletableFuture<String> dependent = tagged("green",
                () -> source.thenApplyAsync(value -> value + ":" + TrafficContext.tag(), single));
        source.complete("done"); // completed by an untagged thread: the stage keeps the tag it was built with
        assertEquals("done:green", dependent.get(WAIT, TimeUnit.SECONDS));
        assertNull(idleTag(single));

        CompletableFuture<String> onPool = tagged("gray", () -> CompletableFuture
                .supplyAsync(TrafficContext::tag, single)
                .thenApplyAsync(first -> first + "," + TrafficContext.tag(), ForkJoinPool.commonPool()));
        assertEquals("gray,gray", onPool.get(WAIT, TimeUnit.SECONDS));
        assertNull(idleTag(single));

        assertNull(CompletableFuture.supplyAsync(TrafficContext::tag).get(WAIT, TimeUnit.SECONDS),
                "untagged async work sees no tag");
    }

    @Test
    void reactorSchedulersCarryTheTagOfTheSubscribingThread() throws Exception {
        assertEquals("gray", tagged("gray", () -> Mono.fromCallable(TrafficContext::tag)
                .subscribeOn(Schedulers.boundedElastic())
                .block()));
        assertEquals("blue", tagged("blue", () -> Mono.fromCallable(TrafficContext::tag)
                .subscribeOn(Schedulers.parallel())
                .block()));
        assertEquals("none", Mono.fromCallable(() -> Objects.toString(TrafficContext.tag(), "none"))
                .subscribeOn(Schedulers.parallel())
                .block(), "untagged subscription sees no tag");
    }

    @Test
    void tagsOfFinishedTasksAreForgotten() throws Exception {
        ExecutorService single = pool(Executors.newSingleThreadExecutor());
        Future<String> done = tagged("gray", () -> single.submit(TrafficContext::tag));
        done.get(WAIT, TimeUnit.SECONDS);
        assertNull(TaskTags.peek(done), "a one-shot task's tag is dropped once it ran");
    }

    /** Runs {@code action} with a tag and carried headers current on this thread, then restores. */
    private static <V> V carrying(String tag, CarriedHeaders headers, Callable<V> action) throws Exception {
        Object previous = TrafficContext.enter(TrafficContext.state(tag, headers));
        try {
            return action.call();
        } finally {
            TrafficContext.exit(previous);
        }
    }

    /** What a worker sees: its tag and the carried x-env, such as "gray/dev1" or "null/null". */
    private static String seen() {
        CarriedHeaders headers = TrafficContext.headers();
        return TrafficContext.tag() + "/" + (headers == null ? null : headers.get("x-env"));
    }

    @Test
    void carriedHeadersTravelWithTheTagAndLeaveNothingBehind() throws Exception {
        CarriedHeaders dev1 = CarriedHeaders.of("x-env", "dev1");
        ExecutorService single = pool(Executors.newSingleThreadExecutor());
        assertEquals("gray/dev1", carrying("gray", dev1, () -> single.submit(ExecutorsInstrumentationTest::seen))
                .get(WAIT, TimeUnit.SECONDS));
        assertEquals("null/dev1", carrying(null, dev1, () -> single.submit(ExecutorsInstrumentationTest::seen))
                .get(WAIT, TimeUnit.SECONDS), "headers travel without a tag too");
        BlockingQueue<String> executed = new LinkedBlockingQueue<>();
        carrying(null, dev1, () -> {
            single.execute(() -> executed.add(seen()));
            return null;
        });
        assertEquals("null/dev1", executed.poll(WAIT, TimeUnit.SECONDS));
        assertEquals("null/null", single.submit(ExecutorsInstrumentationTest::seen).get(WAIT, TimeUnit.SECONDS),
                "the pool thread keeps nothing of the last request");

        assertEquals("blue/dev1", carrying("blue", dev1,
                () -> CompletableFuture.supplyAsync(ExecutorsInstrumentationTest::seen)).get(WAIT, TimeUnit.SECONDS));
        assertEquals("blue/dev1", carrying("blue", dev1,
                () -> ForkJoinPool.commonPool().submit(ExecutorsInstrumentationTest::seen)).get(WAIT, TimeUnit.SECONDS));

        ScheduledExecutorService scheduler = pool(Executors.newSingleThreadScheduledExecutor());
        assertEquals("gray/dev1", carrying("gray", dev1,
                () -> scheduler.schedule(ExecutorsInstrumentationTest::seen, 1, TimeUnit.MILLISECONDS))
                .get(WAIT, TimeUnit.SECONDS));
        assertEquals("null/null", scheduler.submit(ExecutorsInstrumentationTest::seen).get(WAIT, TimeUnit.SECONDS));

        assertEquals("gray/dev1", carrying("gray", dev1, () -> Mono.fromCallable(ExecutorsInstrumentationTest::seen)
                .subscribeOn(Schedulers.boundedElastic()).block()));
        assertEquals("null/null", seen(), "the submitting thread got back what it had");
    }
}
