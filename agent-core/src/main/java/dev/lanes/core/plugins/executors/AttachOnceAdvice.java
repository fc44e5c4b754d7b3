package dev.lanes.core.plugins.executors;

import dev.lanes.bridge.TaskTags;
import net.bytebuddy.asm.Advice;

/**
 * Advice for the run method of a one-shot JDK task ({@code FutureTask#run},
 * {@code ForkJoinTask#doExec}, {@code CompletableFuture}'s tasks): attaches the tag remembered
 * for the task while it runs, forgets it, and restores the worker's previous tag. Shared by the
 * instrumentations of those types, since the logic is the same.
 */
public final class AttachOnceAdvice {

    private AttachOnceAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object enter(@Advice.This Object task) {
        return TaskTags.attachOnce(task);
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit(@Advice.Enter Object previous) {
        TaskTags.restore(previous);
    }
}
