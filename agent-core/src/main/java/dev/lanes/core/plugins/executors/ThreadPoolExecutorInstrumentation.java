package dev.lanes.core.plugins.executors;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.lanes.bridge.TaskTags;
import dev.lanes.core.plugin.AdviceTarget;
import dev.lanes.core.plugin.TypeInstrumentation;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code ThreadPoolExecutor#execute(Runnable)}: every submission of the pool ends here
 * ({@code submit}, {@code invokeAll}, Spring's {@code ThreadPoolTaskExecutor} and
 * {@code @Async}, subclasses that call {@code super.execute}).
 */
public final class ThreadPoolExecutorInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
        return named("java.util.concurrent.ThreadPoolExecutor");
    }

    @Override
    public void transform(AdviceTarget target) {
        target.applyAdvice(named("execute").and(takesArguments(1)).and(takesArgument(0, Runnable.class)),
                ThreadPoolExecutorInstrumentation.class.getName() + "$ExecuteAdvice");
    }

    /** Remembers or wraps the submitter's tag with the task. */
    public static final class ExecuteAdvice {
        private ExecuteAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(value = 0, readOnly = false) Runnable task) {
            task = TaskTags.forThreadPool(task);
        }
    }
}
