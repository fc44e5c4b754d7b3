package dev.lanes.core.plugins.executors;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;

import dev.lanes.bridge.TaskTags;
import dev.lanes.bridge.TrafficContext;
import dev.lanes.core.plugin.AdviceTarget;
import dev.lanes.core.plugin.TypeInstrumentation;
import java.util.concurrent.Callable;
import java.util.concurrent.ForkJoinTask;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * External submissions to a {@code ForkJoinPool}: the public {@code execute}, {@code submit},
 * {@code invoke}, {@code externalSubmit}/{@code lazySubmit} (JDK 19+) and the scheduling
 * methods of JDK 25. The pool's internals changed in almost every JDK, its public API did not.
 * Runnables and callables are wrapped (the pool adapts them into tasks of its own and never
 * hands them back); fork-join tasks keep their identity and their tag is remembered aside,
 * attached by {@link ForkJoinTaskInstrumentation}. Subtasks forked inside a task are not
 * covered, nor are {@code invokeAll}/{@code invokeAny} of callables.
 */
public final class ForkJoinPoolInstrumentation implements TypeInstrumentation {

    private static final ElementMatcher.Junction<MethodDescription> SUBMISSIONS = ElementMatchers.<MethodDescription>isPublic().and(namedOneOf(
            "execute", "submit", "invoke", "externalSubmit", "lazySubmit",
            "schedule", "scheduleAtFixedRate", "scheduleWithFixedDelay", "submitWithTimeout"));

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
        return named("java.util.concurrent.ForkJoinPool");
    }

    @Override
    public void transform(AdviceTarget target) {
        String prefix = ForkJoinPoolInstrumentation.class.getName();
        target.applyAdvice(SUBMISSIONS.and(takesArgument(0, Runnable.class)), prefix + "$RunnableAdvice");
        target.applyAdvice(SUBMISSIONS.and(takesArgument(0, Callable.class)), prefix + "$CallableAdvice");
        target.applyAdvice(SUBMISSIONS.and(takesArgument(0, ForkJoinTask.class)), prefix + "$TaskAdvice");
    }

    /** Wraps a runnable, or remembers the tag of a runnable that is a fork-join task. */
    public static final class RunnableAdvice {
        private RunnableAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(value = 0, readOnly = false) Runnable task) {
            task = TaskTags.forForkJoinPool(task);
        }
    }

    /** Wraps a callable. */
    public static final class CallableAdvice {
        private CallableAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(value = 0, readOnly = false) Callable<?> task) {
            task = TrafficContext.wrap(task);
        }
    }

    /** Remembers the submitter's tag for a fork-join task. */
    public static final class TaskAdvice {
        private TaskAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(0) Object task) {
            TaskTags.capture(task);
        }
    }
}
