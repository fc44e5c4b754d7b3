package dev.lanes.plugin.springcloud.web.servlet.javax;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.TrafficContext;
import dev.lanes.plugin.springcloud.web.common.Baggage;
import dev.lanes.plugin.springcloud.web.common.InboundTags;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import javax.servlet.http.HttpServletRequest;

/**
 * Inbound side for {@code javax.servlet}: decides the request's tag on its first entry into a
 * filter or servlet, remembers it as a request attribute, and attaches it to the thread for the
 * duration of every entry (so forwards, includes, async and error dispatches, which enter
 * again, possibly on other threads, see it too). Exit restores what the thread had before.
 */
public final class JavaxServletInboundHelper {

    private JavaxServletInboundHelper() {
    }

    /** Returns the value for {@link #exit}. */
    public static Object enter(Object request) {
        if (!(request instanceof HttpServletRequest)) {
            return TrafficContext.NOT_ENTERED;
        }
        try {
            HttpServletRequest http = (HttpServletRequest) request;
            Object marked = http.getAttribute(InboundTags.KEY);
            Object state;
            if (marked != null) {
                state = InboundTags.unmark(marked);
            } else {
                List<String> baggage = baggage(http);
                state = InboundTags.decide(InboundTags.carried(http.getHeader(TrafficContext.HEADER),
                        Baggage.tagInAny(baggage)), new JavaxRequestView(http), baggage);
                http.setAttribute(InboundTags.KEY, InboundTags.mark(state));
            }
            return TrafficContext.enter(state);
        } catch (Throwable t) {
            AgentFaults.report("spring-web:javax.servlet inbound", t);
            return TrafficContext.NOT_ENTERED;
        }
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
