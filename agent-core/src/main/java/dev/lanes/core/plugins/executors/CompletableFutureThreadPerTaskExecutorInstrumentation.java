package dev.lanes.core.plugins.executors;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.lanes.bridge.TrafficContext;
import dev.lanes.core.plugin.AdviceTarget;
import dev.lanes.core.plugin.TypeInstrumentation;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code CompletableFuture$ThreadPerTaskExecutor#execute(Runnable)}: the default async
 * executor of JDK 9 to 24 when the common pool has parallelism 1 (two cores), which starts
 * {@code new Thread(task)}. Async stages added to an already completed future are created
 * without their executor and handed straight to it, so the tag is wrapped around them here.
 * The thread is the only holder of the task, so wrapping is safe.
 */
public final class CompletableFutureThreadPerTaskExecutorInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
        return named("java.util.concurrent.CompletableFuture$ThreadPerTaskExecutor");
    }

    @Override
    public void transform(AdviceTarget target) {
        target.applyAdvice(named("execute").and(takesArguments(1)).and(takesArgument(0, Runnable.class)),
                CompletableFutureThreadPerTaskExecutorInstrumentation.class.getName() + "$ExecuteAdvice");
    }

    /** Wraps the task with the tag of the thread that starts it. */
    public static final class ExecuteAdvice {
        private ExecuteAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(value = 0, readOnly = false) Runnable task) {
            task = TrafficContext.wrap(task);
        }
    }
}
