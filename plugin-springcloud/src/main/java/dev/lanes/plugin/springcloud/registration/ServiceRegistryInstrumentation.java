package dev.lanes.plugin.springcloud.registration;

import dev.lanes.core.plugin.AdviceTarget;
import dev.lanes.core.plugin.SuperTypes;
import dev.lanes.core.plugin.TypeInstrumentation;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isBridge;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Every {@code ServiceRegistry.register(Registration)} implementation (ZooKeeper, Eureka,
 * Consul, Nacos, or any other registry): the one call every Spring Cloud registry goes
 * through, automatic or manual, so the tag and start time are in the metadata before the
 * registry sends it, and so that a registration made before the application is ready is held
 * back (lossless online).
 */
public final class ServiceRegistryInstrumentation implements TypeInstrumentation {

    static final String SERVICE_REGISTRY = "org.springframework.cloud.client.serviceregistry.ServiceRegistry";

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
        return SuperTypes.declaring(SERVICE_REGISTRY, "register").and(not(isInterface()));
    }

    @Override
    public void transform(AdviceTarget target) {
        // Bridge methods only forward to the typed method, which is advised itself.
        target.applyAdvice(named("register").and(takesArguments(1)).and(not(isAbstract())).and(not(isBridge())),
                ServiceRegistryInstrumentation.class.getName() + "$RegisterAdvice");
    }

    /**
     * Holds the registration back until the application is ready (skipping the call), else
     * publishes the metadata before the registry's own code runs.
     */
    public static final class RegisterAdvice {

        private RegisterAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Advice.OnNonDefaultValue.class)
        public static boolean enter(@Advice.This Object registry, @Advice.Argument(0) Object registration) {
            if (LosslessRegistrationHelper.holdBack(registry, registration)) {
                return true;
            }
            RegistrationMetadataHelper.beforeRegister(registration);
            return false;
        }
    }
}
