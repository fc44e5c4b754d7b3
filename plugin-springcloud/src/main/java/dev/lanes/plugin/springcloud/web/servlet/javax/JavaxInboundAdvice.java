package dev.lanes.plugin.springcloud.web.servlet.javax;

import dev.lanes.bridge.Lifecycle;
import net.bytebuddy.asm.Advice;

/**
 * Advice for the entries of a javax.servlet request, {@code Servlet#service} and
 * {@code Filter#doFilter}: attaches the request's tag while the entry runs and restores the
 * thread's previous tag on exit. The outermost entry of a request counts it in flight for
 * lossless draining (a boolean local: nothing allocated). Shared by both instrumentations, since the logic is the same.
 */
public final class JavaxInboundAdvice {

    private JavaxInboundAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object enter(@Advice.Argument(0) Object request, @Advice.Argument(1) Object response,
                               @Advice.Local("lanesCounted") boolean counted) {
        counted = JavaxServletInboundHelper.begin(request, response);
        return JavaxServletInboundHelper.enter(request);
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit(@Advice.Enter Object previous, @Advice.Local("lanesCounted") boolean counted) {
        JavaxServletInboundHelper.exit(previous);
        if (counted) {
            Lifecycle.requestEnded();
        }
    }
}
