package dev.lanes.plugin.springcloud.web.common;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.CarriedHeaders;
import dev.lanes.bridge.Lanes;
import dev.lanes.bridge.RequestView;
import dev.lanes.bridge.Tags;
import dev.lanes.bridge.TrafficContext;
import java.util.List;

/**
 * The inbound side shared by every server adapter: which tag a request carries (the
 * {@code x-lanes-tag} header, else the {@code lanes.tag} baggage member), what the routing
 * facade makes of it (dyeing), which headers it carries down the chain, and how the result is
 * remembered on the request so that later dispatches of the same request (forward, include,
 * async, error) reuse it.
 */
public final class InboundTags {

    /**
     * Request (servlet) or exchange (WebFlux) attribute, and Reactor context key, holding the
     * traffic state: the tag, or the tag with carried headers ({@link TrafficContext#capture()}).
     */
    public static final String KEY = "dev.lanes.tag";

    /** Marks a request whose inbound decision was "no tag". */
    private static final String NONE = "";

    private InboundTags() {
    }

    /** The valid tag a request carries in its headers, or null. */
    public static String carried(String headerValue, String baggageTag) {
        String tag = Tags.fromOutside(headerValue, "http header " + TrafficContext.HEADER);
        if (tag == null && baggageTag != null) {
            tag = Tags.fromOutside(baggageTag, "http baggage member " + TrafficContext.BAGGAGE_KEY);
        }
        return tag;
    }

    /** The request's traffic tag after ingress and node dyeing; the carried tag if the facade fails. */
    public static String decide(String carried, RequestView request) {
        try {
            return Lanes.routing().inbound(carried, request);
        } catch (Throwable t) {
            AgentFaults.report("spring-web:inbound-routing", t);
            return carried;
        }
    }

    /**
     * The headers the rules carry down the chain, as this request brings them: each named
     * header, else the baggage member {@code lanes.h.<name>} (a hop that passes baggage on but
     * not the header). Null when the rules name none or the request has none.
     */
    public static CarriedHeaders headers(final RequestView request, final List<String> baggage) {
        if (CarriedHeaders.names().length == 0 || !trusted(request)) {
            return null;
        }
        return CarriedHeaders.read(name -> {
            String value = request.header(name);
            return value != null || baggage == null ? value
                    : Baggage.valueInAny(baggage, CarriedHeaders.BAGGAGE_PREFIX + name);
        });
    }

    /**
     * Whether the request's tag and carried headers may be honoured here: false at an entry for
     * a source the rules do not trust (DESIGN row 10); true when the facade fails, as without
     * the agent.
     */
    static boolean trusted(RequestView request) {
        try {
            return Lanes.routing().trusted(request);
        } catch (Throwable t) {
            AgentFaults.report("spring-web:inbound-trust", t);
            return true;
        }
    }

    /** The request's traffic state: its tag after dyeing, and the headers it carries. */
    public static Object decide(String carriedTag, RequestView request, List<String> baggage) {
        return TrafficContext.state(decide(carriedTag, request), headers(request, baggage));
    }

    /** The attribute value that remembers a traffic state on a request. */
    public static Object mark(Object state) {
        return state == null ? NONE : state;
    }

    /** The traffic state remembered by {@link #mark}. */
    public static Object unmark(Object marked) {
        return NONE.equals(marked) ? null : marked;
    }

    /**
     * On a request's first entry, where the OpenTelemetry Java agent runs: its current baggage
     * made to say the tag decided for the request (remembered as {@code marked}), for as long as
     * the entry runs; see {@link dev.lanes.bridge.Routing#laneInTraceBaggage}. Null: nothing to
     * close.
     */
    public static AutoCloseable laneInTraceBaggage(Object marked) {
        if (marked == null) {
            return null;
        }
        try {
            return Lanes.routing().laneInTraceBaggage(TrafficContext.tagOf(unmark(marked)));
        } catch (Throwable t) {
            AgentFaults.report("spring-web:trace-baggage", t);
            return null;
        }
    }

    /** Closes what {@link #laneInTraceBaggage} opened. */
    public static void closeTraceBaggage(AutoCloseable scope) {
        if (scope != null) {
            try {
                scope.close();
            } catch (Throwable t) {
                AgentFaults.report("spring-web:trace-baggage", t);
            }
        }
    }

    /** Undoes an attach; does nothing for {@link TrafficContext#NOT_ENTERED}. */
    public static void restore(Object previous) {
        TrafficContext.exit(previous);
    }
}
