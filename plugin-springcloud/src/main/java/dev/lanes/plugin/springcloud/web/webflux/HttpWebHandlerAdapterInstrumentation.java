package dev.lanes.plugin.springcloud.web.webflux;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.lanes.bridge.TrafficContext;
import dev.lanes.core.plugin.AdviceTarget;
import dev.lanes.core.plugin.TypeInstrumentation;
import dev.lanes.plugin.springcloud.web.common.InboundTags;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code HttpWebHandlerAdapter}, which every WebFlux server (Reactor Netty, Undertow, servlet
 * containers) and Spring Cloud Gateway calls once per request, 5.3 to 7:
 * {@code handle(ServerHttpRequest, ServerHttpResponse)} decides the tag, attaches it while the
 * adapter works, and writes it into the Reactor context of the returned {@code Mono};
 * {@code createExchange}, called from {@code handle}, records it as an exchange attribute.
 */
public final class HttpWebHandlerAdapterInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
        return named("org.springframework.web.server.adapter.HttpWebHandlerAdapter");
    }

    @Override
    public void transform(AdviceTarget target) {
        String prefix = HttpWebHandlerAdapterInstrumentation.class.getName();
        target.applyAdvice(named("handle").and(takesArguments(2)), prefix + "$HandleAdvice");
        target.applyAdvice(named("createExchange").and(takesArguments(2)), prefix + "$CreateExchangeAdvice");
    }

    /** Decides the tag, attaches it meanwhile, and puts it into the Reactor context. */
    public static final class HandleAdvice {
        private HandleAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(0) Object request, @Advice.Argument(1) Object response,
                                 @Advice.Local("lanesTag") Object tag,
                                 @Advice.Local("lanesPrevious") Object previous,
                                 @Advice.Local("lanesCounted") boolean counted) {
            previous = TrafficContext.NOT_ENTERED;
            counted = WebFluxInboundHelper.begin(response);
            tag = WebFluxInboundHelper.decide(request);
            previous = WebFluxInboundHelper.attach(tag);
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        public static void exit(@Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object result,
                                @Advice.Local("lanesTag") Object tag,
                                @Advice.Local("lanesPrevious") Object previous,
                                @Advice.Local("lanesCounted") boolean counted) {
            InboundTags.restore(previous);
            result = WebFluxInboundHelper.withContext(result, tag);
            if (counted) {
                result = WebFluxInboundHelper.endWhenDone(result);
            }
        }
    }

    /** Records the attached tag on the new exchange. */
    public static final class CreateExchangeAdvice {
        private CreateExchangeAdvice() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Return Object exchange) {
            WebFluxInboundHelper.remember(exchange);
        }
    }
}
