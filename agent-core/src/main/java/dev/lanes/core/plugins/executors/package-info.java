/**
 * The built-in "executors" plugin: carries the traffic tag to work that the application hands
 * to other threads through the JDK's executors, fork-join pools and {@code CompletableFuture}.
 *
 * <p>Every advice here is inlined into JDK classes, which the bootstrap loader defines, so it
 * may reference only the JDK and the bridge ({@link dev.lanes.bridge.TaskTags},
 * {@link dev.lanes.bridge.TrafficContext}); the plugin has no helper classes.
 *
 * <p>The trade-off: a task whose identity the application can observe again (a
 * {@code FutureTask} from {@code submit}, a scheduled task, a fork-join task,
 * {@code CompletableFuture}'s internal tasks) keeps its identity; its tag is kept aside in a
 * weak identity table and attached around its run by advice on the run methods of those JDK
 * classes. A plain {@code Runnable} given to {@code ThreadPoolExecutor.execute} has run code
 * we cannot advise (often a lambda), so it is wrapped: such a tagged task then shows up as a
 * {@code TrafficContext.TaggedRunnable} in {@code getQueue()}, {@code shutdownNow()},
 * {@code remove(Runnable)} and the before/after-execute hooks. Untagged tasks are never
 * wrapped or recorded, so untagged traffic pays one thread-local read per hand-off.
 */
package dev.lanes.core.plugins.executors;
