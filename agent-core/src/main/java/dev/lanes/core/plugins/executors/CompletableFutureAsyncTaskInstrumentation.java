package dev.lanes.core.plugins.executors;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.lanes.bridge.TaskTags;
import dev.lanes.core.plugin.AdviceTarget;
import dev.lanes.core.plugin.TypeInstrumentation;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code CompletableFuture$AsyncSupply} and {@code $AsyncRun}, the tasks of
 * {@code supplyAsync}/{@code runAsync} (JDK 8 to 25): the tag is captured when the task is
 * created, on the calling thread, and attached in {@code run()}. That covers every executor,
 * including the thread-per-task executor {@code CompletableFuture} falls back to when the
 * common pool has parallelism 1 (JDK 9 to 24 on two cores), which starts a new thread per task.
 */
public final class CompletableFutureAsyncTaskInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
        return namedOneOf("java.util.concurrent.CompletableFuture$AsyncSupply",
                "java.util.concurrent.CompletableFuture$AsyncRun");
    }

    @Override
    public void transform(AdviceTarget target) {
        String prefix = CompletableFutureAsyncTaskInstrumentation.class.getName();
        target.applyAdvice(isConstructor(), prefix + "$ConstructorAdvice");
        target.applyAdvice(named("run").and(takesArguments(0)), AttachOnceAdvice.class.getName());
    }

    /** Remembers the creating thread's tag. */
    public static final class ConstructorAdvice {
        private ConstructorAdvice() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object task) {
            TaskTags.capture(task);
        }
    }
}
