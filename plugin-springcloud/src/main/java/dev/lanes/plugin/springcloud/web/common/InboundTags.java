package dev.lanes.plugin.springcloud.web.common;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.Lanes;
import dev.lanes.bridge.RequestView;
import dev.lanes.bridge.Tags;
import dev.lanes.bridge.TrafficContext;

/**
 * The inbound side shared by every server adapter: which tag a request carries (the
 * {@code x-lanes-tag} header, else the {@code lanes.tag} baggage member), what the routing
 * facade makes of it (dyeing), and how the result is remembered on the request so that later
 * dispatches of the same request (forward, include, async, error) reuse it.
 */
public final class InboundTags {

    /** Request (servlet) or exchange (WebFlux) attribute, and Reactor context key, holding the tag. */
    public static final String KEY = "dev.lanes.tag";

    /**
     * Returned instead of a previous tag when nothing was attached, so that {@link #restore}
     * leaves the thread alone. Compared by identity.
     */
    public static final String NOT_ATTACHED = new String("lanes:not-attached");

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

    /** The attribute value that remembers {@code tag} on a request. */
    public static String mark(String tag) {
        return tag == null ? NONE : tag;
    }

    /** The tag remembered by {@link #mark}. */
    public static String unmark(String marked) {
        return marked.isEmpty() ? null : marked;
    }

    /** Undoes an attach; does nothing for {@link #NOT_ATTACHED}. */
    public static void restore(String previous) {
        if (previous != NOT_ATTACHED) {
            TrafficContext.restore(previous);
        }
    }
}
