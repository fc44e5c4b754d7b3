package dev.lanes.plugin.springcloud.loadbalancer;

import dev.lanes.core.plugin.AdviceTarget;
import dev.lanes.core.plugin.TypeInstrumentation;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.matcher.ElementMatcher;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code NamedContextFactory.getProvider(String, Class)}, {@code getInstance(String, Class)} and
 * {@code getInstances(String, Class)}: where a service's balancer obtains its
 * {@code ServiceInstanceListSupplier} (the framework's balancers, and custom ones written the
 * documented way, through {@code getLazyProvider}, which calls {@code getProvider}), and where
 * every Spring Cloud client (BlockingLoadBalancerClient for RestTemplate and OpenFeign, the
 * WebClient exchange filters, Spring Cloud Gateway) obtains the service's lifecycle beans.
 * {@code LoadBalancerClientFactory} inherits these methods, so its superclass is the type to
 * advise; the helper leaves the answers of other named-context factories (Feign's, for example)
 * and for other types alone.
 */
public final class NamedContextFactoryInstrumentation implements TypeInstrumentation {

    static final String NAMED_CONTEXT_FACTORY = "org.springframework.cloud.context.named.NamedContextFactory";

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
        return named(NAMED_CONTEXT_FACTORY);
    }

    @Override
    public void transform(AdviceTarget target) {
        target.applyAdvice(named("getProvider").and(takesArguments(2)).and(takesArgument(0, String.class))
                .and(takesArgument(1, Class.class)), NamedContextFactoryInstrumentation.class.getName() + "$GetProviderAdvice");
        target.applyAdvice(named("getInstance").and(takesArguments(2)).and(takesArgument(0, String.class))
                .and(takesArgument(1, Class.class)), NamedContextFactoryInstrumentation.class.getName() + "$GetInstanceAdvice");
        target.applyAdvice(named("getInstances").and(takesArguments(2)).and(takesArgument(0, String.class))
                .and(takesArgument(1, Class.class)), NamedContextFactoryInstrumentation.class.getName() + "$GetInstancesAdvice");
    }

    /** Hands out the provider of the service's instance list supplier with the lanes on top. */
    public static final class GetProviderAdvice {

        private GetProviderAdvice() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object factory, @Advice.Argument(0) String name,
                @Advice.Argument(1) Class<?> type,
                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object provider) {
            provider = LoadBalancerHelper.decorateProvider(factory, name, type, provider);
        }
    }

    /** Hands out the service's instance list supplier with the lanes on top. */
    public static final class GetInstanceAdvice {

        private GetInstanceAdvice() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object factory, @Advice.Argument(0) String name,
                @Advice.Argument(1) Class<?> type,
                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object instance) {
            instance = LoadBalancerHelper.decorate(factory, name, type, instance);
        }
    }

    /** Adds the outlier feedback to the service's lifecycle beans. */
    public static final class GetInstancesAdvice {

        private GetInstancesAdvice() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object factory, @Advice.Argument(0) String name,
                @Advice.Argument(1) Class<?> type,
                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object instances) {
            instances = LoadBalancerHelper.withFeedback(factory, name, type, instances);
        }
    }
}
