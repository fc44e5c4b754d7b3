package dev.lanes.plugin.springcloud.web.common;

import dev.lanes.bridge.Tags;

/**
 * The outbound decision shared by every client adapter: the tag a request should carry is the
 * one the application put on it itself (header, else baggage member), else the current one.
 * The application's own values are never overwritten; only what is missing is added.
 */
public final class OutboundTags {

    private OutboundTags() {
    }

    /**
     * The tag to write where it is missing: the application's own header value if it set one,
     * else its baggage member, else {@code current}; null when nothing valid should be written.
     */
    public static String toWrite(String ownHeader, String ownBaggageTag, String current) {
        String tag = ownHeader != null ? ownHeader : ownBaggageTag != null ? ownBaggageTag : current;
        return Tags.isValid(tag) ? tag : null;
    }
}
