package dev.lanes.plugin.springcloud.web.client;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.lanes.core.plugin.AdviceTarget;
import dev.lanes.core.plugin.SuperTypes;
import dev.lanes.core.plugin.TypeInstrumentation;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code ClientHttpRequest#execute()} in every implementation (in Spring itself that is
 * {@code AbstractClientHttpRequest#execute()}, final, 5.3 to 7): the one point that both
 * RestTemplate and RestClient (6.1+) reach with the application's headers already set and the
 * request not yet sent. With interceptors the outer {@code InterceptingClientHttpRequest}
 * executes first, so interceptors such as the load balancer's already see the header; the
 * inner request copies it and finds nothing missing.
 */
public final class ClientHttpRequestInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
        // Fail-safe: a super type missing from the class path (an optional dependency of some
        // library) means "not a match", never an error.
        return SuperTypes.declaring("org.springframework.http.client.ClientHttpRequest", "execute").and(not(isInterface()));
    }

    @Override
    public void transform(AdviceTarget target) {
        target.applyAdvice(named("execute").and(takesArguments(0)).and(not(isAbstract())),
                ClientHttpRequestInstrumentation.class.getName() + "$ExecuteAdvice");
    }

    /** Adds the traffic tag to the request headers. */
    public static final class ExecuteAdvice {
        private ExecuteAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.This Object request) {
            ClientHttpRequestHelper.beforeExecute(request);
        }
    }
}
