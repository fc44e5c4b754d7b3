package dev.lanes.plugin.dubbo.common;

import dev.lanes.core.plugin.AdviceTarget;
import dev.lanes.core.plugin.TypeInstrumentation;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code org.apache.dubbo.config.DubboShutdownHook#run} (2.7 and 3.x): Dubbo's own JVM shutdown
 * hook, which runs at the same time as every other hook, marks providers read-only and
 * unexports them. The agent deregisters and drains first (or waits for the shutdown path that
 * already does), so Dubbo's hook starts only then.
 */
public final class DubboShutdownHookInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
        return named("org.apache.dubbo.config.DubboShutdownHook");
    }

    @Override
    public void transform(AdviceTarget target) {
        target.applyAdvice(named("run").and(takesArguments(0)),
                DubboShutdownHookInstrumentation.class.getName() + "$RunAdvice");
    }

    /** Deregisters and drains before Dubbo's hook runs. */
    public static final class RunAdvice {

        private RunAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter() {
            DubboLossless.beforeDubboShutdown();
        }
    }
}
