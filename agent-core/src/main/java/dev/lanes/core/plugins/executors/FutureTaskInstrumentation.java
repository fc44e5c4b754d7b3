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
 * {@code FutureTask#run()} and {@code #runAndReset()}: where pooled and scheduled futures
 * (including {@code ScheduledFutureTask} and Spring's {@code ListenableFutureTask}) run.
 * One-shot runs forget the tag; periodic runs keep it for the next run.
 */
public final class FutureTaskInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
        return named("java.util.concurrent.FutureTask");
    }

    @Override
    public void transform(AdviceTarget target) {
        target.applyAdvice(named("run").and(takesArguments(0)),
                AttachOnceAdvice.class.getName());
        target.applyAdvice(named("runAndReset").and(takesArguments(0)),
                FutureTaskInstrumentation.class.getName() + "$RunAndResetAdvice");
    }

    /** Attaches the tag remembered for a periodic run, keeping it for the next one. */
    public static final class RunAndResetAdvice {
        private RunAndResetAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static Object enter(@Advice.This Object task) {
            return TaskTags.attachEach(task);
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        public static void exit(@Advice.Enter Object previous) {
            TaskTags.restore(previous);
        }
    }
}
