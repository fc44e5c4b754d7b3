package dev.lanes.plugin.springcloud.web.servlet.jakarta;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.lanes.core.plugin.AdviceTarget;
import dev.lanes.core.plugin.SuperTypes;
import dev.lanes.core.plugin.TypeInstrumentation;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code jakarta.servlet.Filter#doFilter(ServletRequest, ServletResponse, FilterChain)}: filters
 * run before the servlet (security, gateways built on filters), so the first filter decides
 * the tag and the rest of the chain, servlet included, reuses it from the request attribute.
 */
public final class JakartaFilterInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
        // Fail-safe: a super type missing from the class path (an optional dependency of some
        // library) means "not a match", never an error.
        return SuperTypes.declaring("jakarta.servlet.Filter", "doFilter").and(not(isInterface()));
    }

    /** spring-web's filters are there in WebFlux applications too, without the servlet API. */
    @Override
    public String requiredClass() {
        return "jakarta.servlet.Filter";
    }

    @Override
    public void transform(AdviceTarget target) {
        target.applyAdvice(named("doFilter").and(isPublic()).and(not(isAbstract())).and(takesArguments(3))
                        .and(takesArgument(0, named("jakarta.servlet.ServletRequest")))
                        .and(takesArgument(1, named("jakarta.servlet.ServletResponse"))),
                JakartaInboundAdvice.class.getName());
    }
}
