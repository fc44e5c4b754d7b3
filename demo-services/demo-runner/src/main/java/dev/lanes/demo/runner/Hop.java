package dev.lanes.demo.runner;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One service a request passed through: the instance that served it, the instance's own tag
 * as registered (null for base or without agent), the {@code x-lanes-tag} header (or Dubbo
 * attachment) it saw, the {@code x-env} header (or attachment) it saw, the HTTP client it
 * called its next service with ({@code demo.client}; null for the last), and how the request
 * reached it: "http", "dubbo", or "own-work" for work the instance started itself; and the
 * {@code baggage} header lines it received over HTTP, exactly as they came (empty: none).
 */
public record Hop(String service, String instance, String host, int port, String tag, String seenTag,
        String seenEnv, String client, String via, List<String> seenBaggage) {

    public Hop {
        seenBaggage = seenBaggage == null ? List.of() : List.copyOf(seenBaggage);
    }

    /** A hop that called no further, reached over HTTP without an {@code x-env} header. */
    public Hop(String service, String instance, String host, int port, String tag, String seenTag) {
        this(service, instance, host, port, tag, seenTag, null, null, "http", List.of());
    }

    static Hop fromJson(Map<?, ?> json) {
        Object port = json.get("port");
        return new Hop(text(json.get("service")), text(json.get("instance")), text(json.get("host")),
                port instanceof Number n ? n.intValue() : -1,
                text(json.get("tag")), text(json.get("seenTag")), text(json.get("seenEnv")),
                text(json.get("client")),
                json.get("via") == null ? "http" : text(json.get("via")), texts(json.get("seenBaggage")));
    }

    private static List<String> texts(Object value) {
        List<String> list = new ArrayList<>();
        if (value instanceof List<?> values) {
            for (Object item : values) {
                list.add(text(item));
            }
        }
        return list;
    }

    public boolean viaDubbo() {
        return "dubbo".equals(via);
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
