package dev.lanes.plugin.dubbo.common;

import dev.lanes.bridge.Tags;
import dev.lanes.bridge.TrafficContext;
import org.apache.dubbo.rpc.Invocation;

/**
 * The traffic tag of a Dubbo call: the {@code x-lanes-tag} attachment when the call carries a
 * valid one (set by the application, or passed on by Dubbo 2.7 from the request being served),
 * else the current thread's tag, else this instance's own (work that starts on a tagged
 * instance). Consumer routing and the consumer filter agree through it.
 */
public final class HopTags {

    /** The attachment that carries the traffic tag. */
    public static final String ATTACHMENT = TrafficContext.ATTACHMENT;

    private HopTags() {
    }

    /** The valid tag the invocation carries as an attachment, or null. */
    public static String carried(Invocation invocation) {
        if (invocation == null) {
            return null;
        }
        String raw = invocation.getAttachment(ATTACHMENT);
        if (raw == null || Tags.isValid(raw)) {
            return raw;
        }
        return Tags.fromOutside(raw, "Dubbo attachment " + ATTACHMENT);
    }

    /**
     * The tag the engine routes the call by: the attachment when valid, else the thread's
     * ({@link TrafficContext#hopTag}, the rule every plugin shares); null leaves it to this
     * instance's own tag.
     */
    public static String hopTag(Invocation invocation) {
        return TrafficContext.hopTag(invocation == null ? null : invocation.getAttachment(ATTACHMENT),
                "Dubbo attachment " + ATTACHMENT);
    }
}
