package dev.lanes.plugin.dubbo.common;

import dev.lanes.core.plugin.AdviceTarget;
import dev.lanes.core.plugin.TypeInstrumentation;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code org.apache.dubbo.registry.support.FailbackRegistry#register(URL)} (2.7 and 3.x), which
 * every interface-level registry (ZooKeeper, Nacos, ...) goes through: a provider URL registered
 * before the application is ready is held back (lossless online) and unregistered first thing
 * at shutdown (lossless offline).
 */
public final class RegistryInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
        return named("org.apache.dubbo.registry.support.FailbackRegistry");
    }

    @Override
    public void transform(AdviceTarget target) {
        target.applyAdvice(named("register").and(takesArguments(1)),
                RegistryInstrumentation.class.getName() + "$RegisterAdvice");
    }

    /** Skips the registration when the agent holds it back. */
    public static final class RegisterAdvice {

        private RegisterAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Advice.OnNonDefaultValue.class)
        public static boolean enter(@Advice.This Object registry, @Advice.Argument(0) Object url) {
            return DubboLossless.holdBack(registry, url);
        }
    }
}
