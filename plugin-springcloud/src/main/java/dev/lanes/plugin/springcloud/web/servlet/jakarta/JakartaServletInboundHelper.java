package dev.lanes.plugin.springcloud.web.servlet.jakarta;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.Lifecycle;
import dev.lanes.bridge.TrafficContext;
import dev.lanes.plugin.springcloud.web.common.Baggage;
import dev.lanes.plugin.springcloud.web.common.InboundTags;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Inbound side for {@code jakarta.servlet}: decides the request's tag on its first entry into a
 * filter or servlet, remembers it as a request attribute, and attaches it to the thread for the
 * duration of every entry (so forwards, includes, async and error dispatches, which enter
 * again, possibly on other threads, see it too). Exit restores what the thread had before.
 */
public final class JakartaServletInboundHelper {

    private JakartaServletInboundHelper() {
    }

    /**
     * The outermost entry of a request (no tag decided for it yet): counts it in flight and,
     * while this instance is draining, marks the response with {@code x-lanes-closing: true}.
     * Returns whether it counted, so that the same entry's exit ends the count.
     */
    public static boolean begin(Object request, Object response) {
        if (!(request instanceof HttpServletRequest)
                || ((HttpServletRequest) request).getAttribute(InboundTags.KEY) != null) {
            return false;
        }
        Lifecycle.requestStarted();
        if (Lifecycle.closing() && response instanceof HttpServletResponse) {
            try {
                ((HttpServletResponse) response).setHeader(Lifecycle.CLOSING_HEADER, "true");
            } catch (Throwable t) {
                AgentFaults.report("spring-web:jakarta.servlet closing header", t);
            }
        }
        return true;
    }

    /** Returns the value for {@link #exit}. */
    public static Object enter(Object request) {
        if (!(request instanceof HttpServletRequest)) {
            return TrafficContext.NOT_ENTERED;
        }
        try {
            return TrafficContext.enter(state((HttpServletRequest) request));
        } catch (Throwable t) {
            AgentFaults.report("spring-web:jakarta.servlet inbound", t);
            return TrafficContext.NOT_ENTERED;
        }
    }

    /**
     * The request's traffic state: the one decided at its first entry (a request attribute), else
     * decided now from its headers and remembered. The MVC gateway's filters read it too.
     */
    public static Object state(HttpServletRequest http) {
        Object marked = http.getAttribute(InboundTags.KEY);
        if (marked != null) {
            return InboundTags.unmark(marked);
        }
        List<String> baggage = baggage(http);
        Object state = InboundTags.decide(InboundTags.carried(http.getHeader(TrafficContext.HEADER),
                Baggage.tagInAny(baggage)), new JakartaRequestView(http), baggage);
        http.setAttribute(InboundTags.KEY, InboundTags.mark(state));
        return state;
    }

    /** On the first entry, the tag decided for the request in OpenTelemetry's baggage; see {@link InboundTags#laneInTraceBaggage}. */
    public static AutoCloseable laneInTraceBaggage(Object request) {
        return request instanceof HttpServletRequest
                ? InboundTags.laneInTraceBaggage(((HttpServletRequest) request).getAttribute(InboundTags.KEY)) : null;
    }

    public static void exit(Object previous) {
        InboundTags.restore(previous);
    }

    /** The request's baggage header values; null when it has none (the common case). */
    private static List<String> baggage(HttpServletRequest request) {
        if (request.getHeader(Baggage.HEADER) == null) {
            return null;
        }
        Enumeration<String> values = request.getHeaders(Baggage.HEADER);
        return values == null ? null : Collections.list(values);
    }
}
