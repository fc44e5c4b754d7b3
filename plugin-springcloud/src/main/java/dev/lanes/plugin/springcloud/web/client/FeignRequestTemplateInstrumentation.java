package dev.lanes.plugin.springcloud.web.client;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.lanes.core.plugin.AdviceTarget;
import dev.lanes.core.plugin.TypeInstrumentation;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code feign.RequestTemplate#request()} (Feign 10 to 13): where every Feign call, sync or
 * async, any {@code Target} and any {@code Client}, turns its template into the request it
 * sends, after the application's {@code RequestInterceptor}s ran. Spring Cloud OpenFeign's load
 * balancer client rebuilds the request from its headers, so the tag stays on the wire.
 */
public final class FeignRequestTemplateInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
        return named("feign.RequestTemplate");
    }

    @Override
    public void transform(AdviceTarget target) {
        target.applyAdvice(named("request").and(takesArguments(0)),
                FeignRequestTemplateInstrumentation.class.getName() + "$RequestAdvice");
    }

    /** Adds the traffic tag to the template's headers. */
    public static final class RequestAdvice {
        private RequestAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.This Object template) {
            FeignHelper.beforeRequest(template);
        }
    }
}
