package dev.lanes.plugin.springcloud.web.async;

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
 * {@code SimpleAsyncTaskExecutor#doExecute(Runnable)} (spring-core 5.3 to 7): it starts a new
 * (possibly virtual) thread per task, which no JDK executor sees. It backs {@code @Async} and
 * MVC async requests without a pool, and Spring Boot's task executor with virtual threads.
 * The task ends up only in the new thread, so wrapping it is safe.
 */
public final class SimpleAsyncTaskExecutorInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
        return named("org.springframework.core.task.SimpleAsyncTaskExecutor");
    }

    @Override
    public void transform(AdviceTarget target) {
        target.applyAdvice(named("doExecute").and(takesArguments(1)).and(takesArgument(0, Runnable.class)),
                SimpleAsyncTaskExecutorInstrumentation.class.getName() + "$DoExecuteAdvice");
    }

    /** Wraps the task with the submitter's tag. */
    public static final class DoExecuteAdvice {
        private DoExecuteAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(value = 0, readOnly = false) Runnable task) {
            task = TrafficContext.wrap(task);
        }
    }
}
