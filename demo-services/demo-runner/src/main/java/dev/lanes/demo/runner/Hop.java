package dev.lanes.demo.runner;

import java.util.Map;

/**
 * One service a request passed through: the instance that served it, the instance's own tag
 * as registered (null for base or without agent) and the {@code x-lanes-tag} header it saw.
 */
public record Hop(String service, String instance, String host, int port, String tag, String seenTag) {

    static Hop fromJson(Map<?, ?> json) {
        Object port = json.get("port");
        return new Hop(text(json.get("service")), text(json.get("instance")), text(json.get("host")),
                port instanceof Number n ? n.intValue() : -1,
                text(json.get("tag")), text(json.get("seenTag")));
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
