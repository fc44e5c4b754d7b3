package dev.lanes.plugin.gateway.mvc;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;

import dev.lanes.core.plugin.AdviceTarget;
import dev.lanes.core.plugin.TypeInstrumentation;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The constructors of the MVC gateway's {@code ProxyExchangeHandlerFunction(ProxyExchange,
 * ObjectProvider<RequestHttpHeadersFilter>, ObjectProvider<ResponseHttpHeadersFilter>[, URIResolver])},
 * the handler that forwards every route's request, to which the auto-configuration hands the
 * request header filter beans: the agent's filter joins them ({@link LanesFilterProvider}), as if
 * the application had declared it as a bean. Gateway MVC 4.1 to 5.x keep this class, package and
 * constructor; nothing inside the gateway is advised.
 */
public final class ProxyExchangeHandlerFunctionInstrumentation implements TypeInstrumentation {

    static final String HANDLER = "org.springframework.cloud.gateway.server.mvc.handler.ProxyExchangeHandlerFunction";

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
        return named(HANDLER);
    }

    @Override
    public void transform(AdviceTarget target) {
        target.applyAdvice(isConstructor().and(takesArgument(1, named("org.springframework.beans.factory.ObjectProvider"))),
                ProxyExchangeHandlerFunctionInstrumentation.class.getName() + "$ConstructorAdvice");
    }

    /** Hands the constructor the request header filters with the agent's one added. */
    public static final class ConstructorAdvice {

        private ConstructorAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(value = 1, readOnly = false, typing = Assigner.Typing.DYNAMIC)
                                 Object requestHeadersFilters) {
            requestHeadersFilters = GatewayMvcHelper.withLanesFilter(requestHeadersFilters);
        }
    }
}
