package dev.lanes.plugin.springcloud.web.servlet.javax;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.TrafficContext;
import dev.lanes.plugin.springcloud.web.common.Baggage;
import dev.lanes.plugin.springcloud.web.common.InboundTags;
import java.util.Enumeration;
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
    public static String enter(Object request) {
        if (!(request instanceof HttpServletRequest)) {
            return InboundTags.NOT_ATTACHED;
        }
        try {
            HttpServletRequest http = (HttpServletRequest) request;
            Object marked = http.getAttribute(InboundTags.KEY);
            String tag;
            if (marked instanceof String) {
                tag = InboundTags.unmark((String) marked);
            } else {
                tag = InboundTags.decide(InboundTags.carried(http.getHeader(TrafficContext.HEADER), baggageTag(http)),
                        new JavaxRequestView(http));
                http.setAttribute(InboundTags.KEY, InboundTags.mark(tag));
            }
            return TrafficContext.attach(tag);
        } catch (Throwable t) {
            AgentFaults.report("spring-web:javax.servlet inbound", t);
            return InboundTags.NOT_ATTACHED;
        }
    }

    public static void exit(String previous) {
        InboundTags.restore(previous);
    }

    private static String baggageTag(HttpServletRequest request) {
        if (request.getHeader(Baggage.HEADER) == null) {
            return null;
        }
        Enumeration<String> values = request.getHeaders(Baggage.HEADER);
        while (values != null && values.hasMoreElements()) {
            String tag = Baggage.tagIn(values.nextElement());
            if (tag != null) {
                return tag;
            }
        }
        return null;
    }
}
