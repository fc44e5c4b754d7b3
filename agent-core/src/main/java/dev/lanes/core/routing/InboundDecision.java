package dev.lanes.core.routing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the engine decided for one inbound request, and why: the tag it carries, the ingress
 * rule that dyes it, or this instance's own tag. Made by {@link LaneRouter#explainInbound} on
 * the code path that tags requests.
 */
public final class InboundDecision {

    /** Where the request's traffic tag came from. */
    public enum Source {
        /** The request carried a valid tag. */
        CARRIED,
        /** A lane's ingress rule dyed it. */
        INGRESS,
        /** This instance's own tag (node dyeing). */
        INSTANCE,
        /** No tag: base traffic. */
        NONE
    }

    private final String tag;
    private final Source source;
    private final List<String> why;

    InboundDecision(String tag, Source source, List<String> why) {
        this.tag = tag;
        this.source = source;
        this.why = Collections.unmodifiableList(new ArrayList<String>(why));
    }

    /** The traffic tag, or null for base traffic. */
    public String tag() {
        return tag;
    }

    public Source source() {
        return source;
    }

    /** The reasons, one line each, in the order the engine met them. */
    public List<String> why() {
        return why;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<String, Object>();
        m.put("tag", tag == null ? "base" : tag);
        m.put("source", source.name().toLowerCase(Locale.ROOT));
        m.put("why", why);
        return m;
    }
}
