package dev.lanes.demo.runner;

import java.util.Map;

/**
 * One service a request passed through: the instance that served it, the instance's own tag
 * as registered (null for base or without agent), the {@code x-lanes-tag} header it saw, and
 * the HTTP client it called its next service with ({@code demo.client}; null for the last).
 */
public record Hop(String service, String instance, String host, int port, String tag, String seenTag,
        String client) {

    /** A hop that called no further. */
    public Hop(String service, String instance, String host, int port, String tag, String seenTag) {
        this(service, instance, host, port, tag, seenTag, null);
    }

    static Hop fromJson(Map<?, ?> json) {
        Object port = json.get("port");
        return new Hop(text(json.get("service")), text(json.get("instance")), text(json.get("host")),
                port instanceof Number n ? n.intValue() : -1,
                text(json.get("tag")), text(json.get("seenTag")), text(json.get("client")));
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
