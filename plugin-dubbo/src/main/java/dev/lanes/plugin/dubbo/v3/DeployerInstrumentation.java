package dev.lanes.plugin.dubbo.v3;

import dev.lanes.core.plugin.AdviceTarget;
import dev.lanes.core.plugin.TypeInstrumentation;
import dev.lanes.plugin.dubbo.common.DubboLossless;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code org.apache.dubbo.config.deploy.DefaultApplicationDeployer} (3.x): {@code onStarting()}
 * says the application's start will end, {@code onStarted()} that it did, with every module's
 * services exported: the ready point of lossless online when no Spring Boot drives the
 * application (inside Spring Boot, Boot's ready event was expected first and stays the point).
 */
public final class DeployerInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
        return named("org.apache.dubbo.config.deploy.DefaultApplicationDeployer");
    }

    @Override
    public void transform(AdviceTarget target) {
        target.applyAdvice(named("onStarting").and(takesArguments(0)),
                DeployerInstrumentation.class.getName() + "$StartingAdvice");
        target.applyAdvice(named("onStarted").and(takesArguments(0)),
                DeployerInstrumentation.class.getName() + "$StartedAdvice");
    }

    /** The start begins. */
    public static final class StartingAdvice {

        private StartingAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter() {
            DubboLossless.starting();
        }
    }

    /** The start ended. */
    public static final class StartedAdvice {

        private StartedAdvice() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit() {
            DubboLossless.started();
        }
    }
}
