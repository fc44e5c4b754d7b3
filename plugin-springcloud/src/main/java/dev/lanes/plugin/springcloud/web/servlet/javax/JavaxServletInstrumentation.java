package dev.lanes.plugin.springcloud.web.servlet.javax;

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
 * {@code javax.servlet.Servlet#service(ServletRequest, ServletResponse)} in every servlet that
 * implements it: in {@code HttpServlet} that is the public entry the container calls for every
 * dispatch, which {@code DispatcherServlet} inherits (its {@code PATCH} path included) and
 * plain servlets too. Attach on entry, restore on exit, on the container thread.
 */
public final class JavaxServletInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
        // Fail-safe: a super type missing from the class path (an optional dependency of some
        // library) means "not a match", never an error.
        return SuperTypes.declaring("javax.servlet.Servlet", "service").and(not(isInterface()));
    }

    @Override
    public void transform(AdviceTarget target) {
        target.applyAdvice(named("service").and(isPublic()).and(not(isAbstract())).and(takesArguments(2))
                        .and(takesArgument(0, named("javax.servlet.ServletRequest")))
                        .and(takesArgument(1, named("javax.servlet.ServletResponse"))),
                JavaxInboundAdvice.class.getName());
    }
}
