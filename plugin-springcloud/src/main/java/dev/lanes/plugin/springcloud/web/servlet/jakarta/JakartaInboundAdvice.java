package dev.lanes.plugin.springcloud.web.servlet.jakarta;

import dev.lanes.bridge.Lifecycle;
import dev.lanes.plugin.springcloud.web.common.InboundTags;
import net.bytebuddy.asm.Advice;

/**
 * Advice for the entries of a jakarta.servlet request, {@code Servlet#service} and
 * {@code Filter#doFilter}: attaches the request's tag while the entry runs and restores the
 * thread's previous tag on exit. The outermost entry of a request counts it in flight for
 * lossless draining (a boolean local: nothing allocated) and, where the OpenTelemetry Java agent
 * runs, keeps the decided tag in its baggage while it runs. Shared by both instrumentations, since
 * the logic is the same.
 */
public final class JakartaInboundAdvice {

    private JakartaInboundAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object enter(@Advice.Argument(0) Object request, @Advice.Argument(1) Object response,
                               @Advice.Local("lanesCounted") boolean counted,
                               @Advice.Local("lanesBaggage") AutoCloseable baggage) {
        counted = JakartaServletInboundHelper.begin(request, response);
        Object previous = JakartaServletInboundHelper.enter(request);
        baggage = counted ? JakartaServletInboundHelper.laneInTraceBaggage(request) : null;
        return previous;
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit(@Advice.Enter Object previous, @Advice.Local("lanesCounted") boolean counted,
                            @Advice.Local("lanesBaggage") AutoCloseable baggage) {
        InboundTags.closeTraceBaggage(baggage);
        JakartaServletInboundHelper.exit(previous);
        if (counted) {
            Lifecycle.requestEnded();
        }
    }
}
