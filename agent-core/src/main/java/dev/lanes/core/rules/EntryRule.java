package dev.lanes.core.rules;

import java.util.Collections;
import java.util.List;

/**
 * Ingress dyeing for one lane: untagged requests that match, arriving at one of the listed
 * services (any service when the list is empty), are dyed with the lane's tag; {@code percent}
 * of them, chosen by a hash of the sticky attribute when one is set, else at random.
 */
public final class EntryRule {

    private final Match match;
    private final int percent;
    private final StickyKey stickyBy;
    private final List<String> services;

    public EntryRule(Match match, int percent, StickyKey stickyBy, List<String> services) {
        this.match = match == null ? Match.ANY : match;
        this.percent = percent;
        this.stickyBy = stickyBy;
        this.services = services == null ? Collections.<String>emptyList() : Collections.unmodifiableList(services);
    }

    public Match match() {
        return match;
    }

    /** 0 to 100. */
    public int percent() {
        return percent;
    }

    /** The attribute whose hash picks the dyed share, or null for a random share. */
    public StickyKey stickyBy() {
        return stickyBy;
    }

    /** The application names where this rule applies; empty means everywhere. */
    public List<String> services() {
        return services;
    }

    /** A request attribute named as "header:NAME", "cookie:NAME" or "query:NAME". */
    public static final class StickyKey {
        /** Which kind of attribute. */
        public enum Source { HEADER, COOKIE, QUERY }

        private final Source source;
        private final String name;

        public StickyKey(Source source, String name) {
            this.source = source;
            this.name = name;
        }

        public Source source() {
            return source;
        }

        public String name() {
            return name;
        }

        /** The attribute's value in {@code request}, or null when absent. */
        public String valueIn(dev.lanes.bridge.RequestView request) {
            switch (source) {
                case HEADER:
                    return request.header(name);
                case COOKIE:
                    return request.cookie(name);
                default:
                    return request.query(name);
            }
        }

        @Override
        public String toString() {
            return source.name().toLowerCase(java.util.Locale.ROOT) + ":" + name;
        }
    }
}
