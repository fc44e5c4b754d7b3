package dev.lanes.core.plugins.executors;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.lanes.bridge.TaskTags;
import dev.lanes.core.plugin.AdviceTarget;
import dev.lanes.core.plugin.TypeInstrumentation;
import java.util.concurrent.Executor;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The dependent stages of {@code CompletableFuture} ({@code thenApplyAsync} and the other
 * {@code *Async} methods): {@code $UniCompletion}'s constructor, which every async stage
 * (including the two-input ones) calls with a non-null executor, captures the tag of the
 * thread that builds the stage; {@code $Completion#run()} attaches it when the stage runs on
 * a plain executor ({@link ForkJoinTaskInstrumentation} covers fork-join pools). Stages
 * without an executor run on the completing thread and keep its tag, as in Reactor.
 */
public final class CompletableFutureCompletionInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
        return namedOneOf("java.util.concurrent.CompletableFuture$UniCompletion",
                "java.util.concurrent.CompletableFuture$Completion");
    }

    @Override
    public void transform(AdviceTarget target) {
        String prefix = CompletableFutureCompletionInstrumentation.class.getName();
        target.applyAdvice(isConstructor().and(takesArguments(3)).and(takesArgument(0, Executor.class)),
                prefix + "$ConstructorAdvice");
        target.applyAdvice(named("run").and(takesArguments(0)), AttachOnceAdvice.class.getName());
    }

    /** Remembers the tag of the thread that builds an async stage. */
    public static final class ConstructorAdvice {
        private ConstructorAdvice() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object stage, @Advice.Argument(0) Object executor) {
            if (executor != null) {
                TaskTags.capture(stage);
            }
        }
    }
}
