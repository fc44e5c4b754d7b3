package dev.lanes.plugin.springcloud.loadbalancer.retry;

import dev.lanes.core.plugin.AdviceTarget;
import dev.lanes.core.plugin.TypeInstrumentation;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.matcher.ElementMatcher;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * The one retry on another instance of a call refused by the instance chosen, in the three
 * load-balanced HTTP clients of Spring Cloud, where each one chooses and calls:
 * {@code BlockingLoadBalancerClient.execute(String, LoadBalancerRequest)} (RestTemplate and
 * RestClient through {@code LoadBalancerInterceptor}), {@code FeignBlockingLoadBalancerClient.execute(Request,
 * Options)} (OpenFeign) and {@code ReactorLoadBalancerExchangeFilterFunction.filter(ClientRequest,
 * ExchangeFunction)} (WebClient). The retrying variants Spring Cloud uses with Spring Retry on
 * the class path (and their own retry settings) are left alone.
 */
public final class LoadBalancerRetryInstrumentation implements TypeInstrumentation {

    static final String BLOCKING = "org.springframework.cloud.loadbalancer.blocking.client.BlockingLoadBalancerClient";
    static final String FEIGN = "org.springframework.cloud.openfeign.loadbalancer.FeignBlockingLoadBalancerClient";
    static final String WEBCLIENT = "org.springframework.cloud.client.loadbalancer.reactive.ReactorLoadBalancerExchangeFilterFunction";

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
        return namedOneOf(BLOCKING, FEIGN, WEBCLIENT);
    }

    @Override
    public void transform(AdviceTarget target) {
        String name = LoadBalancerRetryInstrumentation.class.getName();
        target.applyAdvice(named("execute").and(takesArguments(2)).and(takesArgument(0, String.class))
                .and(takesArgument(1, named("org.springframework.cloud.client.loadbalancer.LoadBalancerRequest"))),
                name + "$BlockingAdvice");
        target.applyAdvice(named("execute").and(takesArguments(2)).and(takesArgument(0, named("feign.Request")))
                .and(takesArgument(1, named("feign.Request$Options"))), name + "$FeignAdvice");
        target.applyAdvice(named("filter").and(takesArguments(2))
                .and(takesArgument(0, named("org.springframework.web.reactive.function.client.ClientRequest")))
                .and(takesArgument(1, named("org.springframework.web.reactive.function.client.ExchangeFunction"))),
                name + "$WebClientAdvice");
    }

    /** RestTemplate, RestClient: runs the load-balanced execution once more. */
    public static final class BlockingAdvice {

        private BlockingAdvice() {
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.This Object client, @Advice.Argument(0) String serviceId,
                @Advice.Argument(1) Object request,
                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object result,
                @Advice.Thrown(readOnly = false) Throwable thrown) {
            if (thrown != null) {
                Object outcome = BlockingRetry.retry(client, serviceId, request, thrown);
                if (outcome instanceof BlockingRetry.Failed) {
                    thrown = ((BlockingRetry.Failed) outcome).cause;
                } else if (outcome != BlockingRetry.NONE) {
                    result = outcome;
                    thrown = null;
                }
            }
        }
    }

    /** OpenFeign: runs the load-balanced execution once more. */
    public static final class FeignAdvice {

        private FeignAdvice() {
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.This Object client, @Advice.Argument(0) Object request,
                @Advice.Argument(1) Object options,
                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object result,
                @Advice.Thrown(readOnly = false) Throwable thrown) {
            if (thrown != null) {
                Object outcome = FeignRetry.retry(client, request, options, thrown);
                if (outcome instanceof BlockingRetry.Failed) {
                    thrown = ((BlockingRetry.Failed) outcome).cause;
                } else if (outcome != BlockingRetry.NONE) {
                    result = outcome;
                    thrown = null;
                }
            }
        }
    }

    /** WebClient: the exchange, with a retry on a failure to connect. */
    public static final class WebClientAdvice {

        private WebClientAdvice() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object filter, @Advice.Argument(0) Object request,
                @Advice.Argument(1) Object next,
                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object exchange) {
            exchange = WebClientRetry.onConnectFailure(filter, request, next, exchange);
        }
    }
}
