package dev.lanes.core.plugins.executors;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.lanes.bridge.TrafficContext;
import dev.lanes.core.plugin.AdviceTarget;
import dev.lanes.core.plugin.TypeInstrumentation;
import java.util.concurrent.Callable;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code java.util.concurrent.ThreadPerTaskExecutor} (JDK 21+, behind
 * {@code Executors.newVirtualThreadPerTaskExecutor()} and {@code newThreadPerTaskExecutor}):
 * {@code execute(Runnable)} and {@code submit(Callable)} (the other submits delegate to it).
 * The executor never hands a task back, so wrapping is safe.
 */
public final class ThreadPerTaskExecutorInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
        return named("java.util.concurrent.ThreadPerTaskExecutor");
    }

    @Override
    public void transform(AdviceTarget target) {
        String prefix = ThreadPerTaskExecutorInstrumentation.class.getName();
        target.applyAdvice(named("execute").and(takesArguments(1)).and(takesArgument(0, Runnable.class)),
                prefix + "$ExecuteAdvice");
        target.applyAdvice(named("submit").and(takesArguments(1)).and(takesArgument(0, Callable.class)),
                prefix + "$SubmitAdvice");
    }

    /** Wraps the runnable with the submitter's tag. */
    public static final class ExecuteAdvice {
        private ExecuteAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(value = 0, readOnly = false) Runnable task) {
            task = TrafficContext.wrap(task);
        }
    }

    /** Wraps the callable with the submitter's tag. */
    public static final class SubmitAdvice {
        private SubmitAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(value = 0, readOnly = false) Callable<?> task) {
            task = TrafficContext.wrap(task);
        }
    }
}
