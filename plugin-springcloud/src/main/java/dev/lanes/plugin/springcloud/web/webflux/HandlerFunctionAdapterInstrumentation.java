package dev.lanes.plugin.springcloud.web.webflux;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.lanes.core.plugin.AdviceTarget;
import dev.lanes.core.plugin.TypeInstrumentation;
import dev.lanes.plugin.springcloud.web.common.InboundTags;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code HandlerFunctionAdapter#handle(ServerWebExchange, Object)} (5.3 to 7): it calls the
 * functional endpoint's {@code HandlerFunction} directly, so the exchange's tag is attached
 * while it runs.
 */
public final class HandlerFunctionAdapterInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
        return named("org.springframework.web.reactive.function.server.support.HandlerFunctionAdapter");
    }

    @Override
    public void transform(AdviceTarget target) {
        target.applyAdvice(named("handle").and(takesArguments(2))
                        .and(takesArgument(0, named("org.springframework.web.server.ServerWebExchange"))),
                HandlerFunctionAdapterInstrumentation.class.getName() + "$HandleAdvice");
    }

    /** Attaches the exchange's tag while the handler function runs. */
    public static final class HandleAdvice {
        private HandleAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static String enter(@Advice.Argument(0) Object exchange) {
            return WebFluxInboundHelper.attachFor(exchange);
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        public static void exit(@Advice.Enter String previous) {
            InboundTags.restore(previous);
        }
    }
}
