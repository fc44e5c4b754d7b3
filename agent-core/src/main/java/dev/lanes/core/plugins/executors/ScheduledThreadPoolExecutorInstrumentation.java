package dev.lanes.core.plugins.executors;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.lanes.bridge.TaskTags;
import dev.lanes.core.plugin.AdviceTarget;
import dev.lanes.core.plugin.TypeInstrumentation;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code ScheduledThreadPoolExecutor#delayedExecute(RunnableScheduledFuture)}: the one private
 * method every schedule, submit and execute of the scheduled pool goes through (JDK 8 to 25),
 * after {@code decorateTask}; it covers Reactor's schedulers and Spring's task schedulers.
 * The task is a {@code FutureTask}, whose run methods attach the tag (periodic runs keep it).
 */
public final class ScheduledThreadPoolExecutorInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
        return named("java.util.concurrent.ScheduledThreadPoolExecutor");
    }

    @Override
    public void transform(AdviceTarget target) {
        target.applyAdvice(named("delayedExecute").and(takesArguments(1)),
                ScheduledThreadPoolExecutorInstrumentation.class.getName() + "$DelayedExecuteAdvice");
    }

    /** Remembers the scheduling thread's tag for the task. */
    public static final class DelayedExecuteAdvice {
        private DelayedExecuteAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(0) Object task) {
            TaskTags.capture(task);
        }
    }
}
