package dev.lanes.plugin.springcloud.web.webflux;

import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.lanes.core.plugin.AdviceTarget;
import dev.lanes.core.plugin.TypeInstrumentation;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The reactive {@code InvocableHandlerMethod}: {@code invoke} only assembles a {@code Mono};
 * the controller method is called later, when that {@code Mono} is subscribed, from the lambda
 * {@code lambda$invoke$0(ServerWebExchange, BindingContext, Object[])}. The lambda has had
 * that name and shape in every line from 5.3 to 7 (checked in the released jars); it is matched
 * by shape, so a compiler that named it otherwise would simply leave it untouched, and the
 * Reactor context would still carry the tag. While it runs, the exchange's tag is attached.
 */
public final class InvocableHandlerMethodInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
        return named("org.springframework.web.reactive.result.method.InvocableHandlerMethod");
    }

    @Override
    public void transform(AdviceTarget target) {
        target.applyAdvice(nameStartsWith("lambda$invoke$").and(takesArguments(3))
                        .and(takesArgument(0, named("org.springframework.web.server.ServerWebExchange"))),
                ExchangeTagAdvice.class.getName());
    }
}
