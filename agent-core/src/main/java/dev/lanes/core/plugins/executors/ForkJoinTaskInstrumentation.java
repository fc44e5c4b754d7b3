package dev.lanes.core.plugins.executors;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.lanes.core.plugin.AdviceTarget;
import dev.lanes.core.plugin.TypeInstrumentation;
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
                AttachOnceAdvice.class.getName());
    }
}
