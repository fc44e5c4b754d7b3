package dev.lanes.plugin.springcloud.web.webflux;

import dev.lanes.plugin.springcloud.web.common.InboundTags;
import net.bytebuddy.asm.Advice;

/**
 * Advice for methods whose first argument is the {@code ServerWebExchange} and which run
 * application handler code (controller methods, handler functions): attaches the exchange's
 * tag meanwhile and restores the thread's previous tag. Shared by both instrumentations.
 */
public final class ExchangeTagAdvice {

    private ExchangeTagAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object enter(@Advice.Argument(0) Object exchange) {
        return WebFluxInboundHelper.attachFor(exchange);
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit(@Advice.Enter Object previous) {
        InboundTags.restore(previous);
    }
}
