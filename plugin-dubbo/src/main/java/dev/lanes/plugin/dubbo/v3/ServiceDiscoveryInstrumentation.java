package dev.lanes.plugin.dubbo.v3;

import dev.lanes.core.plugin.AdviceTarget;
import dev.lanes.core.plugin.TypeInstrumentation;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code org.apache.dubbo.registry.client.AbstractServiceDiscovery#register()} (3.x), through
 * which Dubbo registers this application's instance for application-level discovery
 * ({@code register-mode} {@code instance} or {@code all}), in ZooKeeper, Nacos or any other
 * registry: held back until the application is ready (lossless online), and withdrawn first
 * thing at shutdown (lossless offline), as the interface-level provider URLs are.
 */
public final class ServiceDiscoveryInstrumentation implements TypeInstrumentation {

    static final String ABSTRACT_SERVICE_DISCOVERY = "org.apache.dubbo.registry.client.AbstractServiceDiscovery";

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
        return named(ABSTRACT_SERVICE_DISCOVERY);
    }

    @Override
    public void transform(AdviceTarget target) {
        target.applyAdvice(named("register").and(takesArguments(0)),
                ServiceDiscoveryInstrumentation.class.getName() + "$RegisterAdvice");
    }

    /** Skips the registration while the agent holds it back. */
    public static final class RegisterAdvice {

        private RegisterAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Advice.OnNonDefaultValue.class)
        public static boolean enter(@Advice.This Object discovery) {
            return InstanceRegistration.holdBack(discovery);
        }
    }
}
