package dev.lanes.plugin.dubbo.v2_7;

import dev.lanes.core.plugin.AdviceTarget;
import dev.lanes.core.plugin.TypeInstrumentation;
import dev.lanes.plugin.dubbo.common.DubboLossless;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code org.apache.dubbo.config.bootstrap.DubboBootstrap#start()} (2.7.5 and later): its end,
 * every service exported, is the ready point of lossless online when no Spring Boot drives the
 * application (inside Spring Boot, Boot's ready event was expected first and stays the point).
 */
public final class BootstrapInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
        return named("org.apache.dubbo.config.bootstrap.DubboBootstrap");
    }

    @Override
    public void transform(AdviceTarget target) {
        target.applyAdvice(named("start").and(takesArguments(0)),
                BootstrapInstrumentation.class.getName() + "$StartAdvice");
    }

    /** Around the start. */
    public static final class StartAdvice {

        private StartAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter() {
            DubboLossless.starting();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Thrown Throwable thrown) {
            if (thrown == null) {
                DubboLossless.started();
            }
        }
    }
}
