package dev.lanes.demo.runner;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The answer of {@code GET /chain}: HTTP status, the hops in order, and the error the
 * failing hop reported (null on success): keys service, calling, status, message.
 */
public record ChainResponse(int status, List<Hop> hops, Map<String, Object> error, String body) {

    public ChainResponse {
        hops = List.copyOf(hops);
    }

    /** Reads the demo's JSON answer; a body that is not one yields no hops and the body as error. */
    public static ChainResponse parse(int status, String body) {
        Object json;
        try {
            json = Json.parse(body);
        } catch (IllegalArgumentException e) {
            return new ChainResponse(status, List.of(), Map.of("message", "not a chain answer: " + body), body);
        }
        return of(status, json, body);
    }

    /** A chain answer already parsed ({@code hops}, {@code error}); {@code body} is the text it came from. */
    static ChainResponse of(int status, Object json, String body) {
        List<Hop> hops = new ArrayList<>();
        Map<String, Object> error = null;
        if (json instanceof Map<?, ?> map) {
            if (map.get("hops") instanceof List<?> list) {
                for (Object item : list) {
                    if (item instanceof Map<?, ?> hop) {
                        hops.add(Hop.fromJson(hop));
                    }
                }
            }
            if (map.get("error") instanceof Map<?, ?> err) {
                @SuppressWarnings("unchecked")
                Map<String, Object> typed = (Map<String, Object>) err;
                error = typed;
            }
        }
        return new ChainResponse(status, hops, error, body);
    }

    public boolean ok() {
        return status == 200 && error == null;
    }

    /** The instances in order, e.g. "a-base -> b-base -> c-gray". */
    public String path() {
        List<String> names = new ArrayList<>();
        for (Hop hop : hops) {
            names.add(hop.instance());
        }
        return String.join(" -> ", names);
    }

    /**
     * The instances in order with the protocol of each hop: "->" over HTTP, "=>" over Dubbo,
     * e.g. "a-base -> b-base => d-gray -> c-gray".
     */
    public String protocolPath() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < hops.size(); i++) {
            Hop hop = hops.get(i);
            if (i > 0) {
                sb.append(hop.viaDubbo() ? " => " : " -> ");
            }
            sb.append(hop.instance());
        }
        return sb.toString();
    }

    /** The instance names in order. */
    public List<String> instances() {
        List<String> names = new ArrayList<>();
        for (Hop hop : hops) {
            names.add(hop.instance());
        }
        return names;
    }

    /** The failing hop's message, or null. */
    public String errorMessage() {
        return error == null ? null : String.valueOf(error.get("message"));
    }
}
