package dev.lanes.plugin.springcloud.web.webflux;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.lanes.core.plugin.AdviceTarget;
import dev.lanes.core.plugin.TypeInstrumentation;
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
                ExchangeTagAdvice.class.getName());
    }
}
