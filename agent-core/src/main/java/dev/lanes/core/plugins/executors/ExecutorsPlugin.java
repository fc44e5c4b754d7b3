package dev.lanes.core.plugins.executors;

import dev.lanes.core.plugin.LanesPlugin;
import dev.lanes.core.plugin.Support;
import dev.lanes.core.plugin.TypeInstrumentation;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Carries the traffic tag across the thread hand-offs of the JDK (row 8 of the routing
 * semantics): thread pools, scheduled pools, fork-join pools, {@code CompletableFuture} async
 * stages and thread-per-task executors. Built in, since every framework plugin relies on it.
 */
public final class ExecutorsPlugin implements LanesPlugin {

    @Override
    public String name() {
        return "executors";
    }

    /** The JDK is always there; the instrumented types are matched by name and simply absent on older JDKs. */
    @Override
    public Support support(ClassLoader loader) {
        return Support.SUPPORTED;
    }

    @Override
    public List<TypeInstrumentation> typeInstrumentations() {
        return Collections.unmodifiableList(Arrays.<TypeInstrumentation>asList(
                new ThreadPoolExecutorInstrumentation(),
                new ScheduledThreadPoolExecutorInstrumentation(),
                new FutureTaskInstrumentation(),
                new ForkJoinPoolInstrumentation(),
                new ForkJoinTaskInstrumentation(),
                new CompletableFutureAsyncTaskInstrumentation(),
                new CompletableFutureCompletionInstrumentation(),
                new CompletableFutureThreadPerTaskExecutorInstrumentation(),
                new ThreadPerTaskExecutorInstrumentation()));
    }
}
