package dev.lanes.plugin.springcloud.web.servlet.jakarta;

import net.bytebuddy.asm.Advice;

/**
 * Advice for the entries of a jakarta.servlet request, {@code Servlet#service} and
 * {@code Filter#doFilter}: attaches the request's tag while the entry runs and restores the
 * thread's previous tag on exit. Shared by both instrumentations, since the logic is the same.
 */
public final class JakartaInboundAdvice {

    private JakartaInboundAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object enter(@Advice.Argument(0) Object request) {
        return JakartaServletInboundHelper.enter(request);
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit(@Advice.Enter Object previous) {
        JakartaServletInboundHelper.exit(previous);
    }
}
