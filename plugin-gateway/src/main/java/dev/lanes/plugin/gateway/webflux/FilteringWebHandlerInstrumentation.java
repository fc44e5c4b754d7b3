package dev.lanes.plugin.gateway.webflux;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;

import dev.lanes.core.plugin.AdviceTarget;
import dev.lanes.core.plugin.TypeInstrumentation;
import java.util.List;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.matcher.ElementMatcher;

import static net.bytebuddy.matcher.ElementMatchers.named;

/**
 * The constructors of {@code FilteringWebHandler(List<GlobalFilter>[, boolean])}, the gateway's
 * handler, to which the auto-configuration hands every {@code GlobalFilter} bean: the agent's
 * filter is added to that list, so the gateway sorts and runs it with its own filters on every
 * route, as if the application had declared it as a bean. Gateway 3.1 to 5.x keep this class,
 * package and constructor; nothing inside the gateway is advised.
 */
public final class FilteringWebHandlerInstrumentation implements TypeInstrumentation {

    static final String FILTERING_WEB_HANDLER = "org.springframework.cloud.gateway.handler.FilteringWebHandler";

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
        return named(FILTERING_WEB_HANDLER);
    }

    @Override
    public void transform(AdviceTarget target) {
        target.applyAdvice(isConstructor().and(takesArgument(0, List.class)),
                FilteringWebHandlerInstrumentation.class.getName() + "$ConstructorAdvice");
    }

    /** Hands the constructor the global filters with the agent's one added. */
    public static final class ConstructorAdvice {

        private ConstructorAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(value = 0, readOnly = false, typing = Assigner.Typing.DYNAMIC)
                                 List<?> globalFilters) {
            globalFilters = GatewayFilterHelper.withLanesFilter(globalFilters);
        }
    }
}
