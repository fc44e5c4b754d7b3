package dev.lanes.plugin.gateway.mvc;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.lanes.core.plugin.AdviceTarget;
import dev.lanes.core.plugin.TypeInstrumentation;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code LoadBalancerFilterFunctions.lb(String, BiFunction)}, the factory of the MVC gateway's
 * load balancer filter, which every {@code lb://} route gets (and which routes written in Java
 * call through {@code lb(String)}): the filter it returns is handed back inside
 * {@link LaneChoiceFilter}. The filter builds the load balancer's request from the inbound
 * request's headers, as the client sent them; the gateway has no filter of its own that runs
 * before it on every route, so the factory is the one place to give it the decided tag.
 */
public final class LoadBalancerFilterFunctionsInstrumentation implements TypeInstrumentation {

    static final String FUNCTIONS = "org.springframework.cloud.gateway.server.mvc.filter.LoadBalancerFilterFunctions";

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
        return named(FUNCTIONS);
    }

    @Override
    public void transform(AdviceTarget target) {
        target.applyAdvice(named("lb").and(isStatic()).and(takesArguments(2)),
                LoadBalancerFilterFunctionsInstrumentation.class.getName() + "$LbAdvice");
    }

    /** Wraps the returned filter. */
    public static final class LbAdvice {

        private LbAdvice() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object filter) {
            filter = GatewayMvcHelper.choosingByLane(filter);
        }
    }
}
