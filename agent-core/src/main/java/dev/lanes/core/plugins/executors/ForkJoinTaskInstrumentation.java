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
 * {@code ForkJoinTask#doExec()}: where a pool worker (or a joining thread) runs any fork-join
 * task, including {@code CompletableFuture}'s async tasks on the common pool. Package-private
 * but present from JDK 8 to 25 (it returns int up to 21 and void after, hence no return type
 * in the matcher).
 */
public final class ForkJoinTaskInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
        return named("java.util.concurrent.ForkJoinTask");
    }

    @Override
    public void transform(AdviceTarget target) {
        target.applyAdvice(named("doExec").and(takesArguments(0)),
                ForkJoinTaskInstrumentation.class.getName() + "$DoExecAdvice");
    }

    /** Attaches the tag remembered for the task while it runs. */
    public static final class DoExecAdvice {
        private DoExecAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static String enter(@Advice.This Object task) {
            return TaskTags.attachOnce(task);
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        public static void exit(@Advice.Enter String previous) {
            TaskTags.restore(previous);
        }
    }
}
