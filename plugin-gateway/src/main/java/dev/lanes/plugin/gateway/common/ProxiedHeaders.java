package dev.lanes.plugin.gateway.common;

import dev.lanes.bridge.CarriedHeaders;
import dev.lanes.bridge.TrafficContext;
import dev.lanes.plugin.springcloud.web.common.Baggage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.http.HttpHeaders;

/**
 * What the gateway's proxied request carries of the lanes, decided from the request's traffic
 * state: {@code x-lanes-tag} is the tag the gateway decided (or absent); the baggage member
 * {@code lanes.tag} the client may have sent is taken off (the header says it now); the headers
 * the rules carry are added where missing, and, from a client the entry does not trust, what it
 * sent of them (headers and {@code lanes.h.*} baggage members) is taken off; the access layer's
 * secret header never leaves the gateway.
 */
public final class ProxiedHeaders implements Consumer<HttpHeaders> {

    private final String tag;
    private final CarriedHeaders carried;
    private final boolean trusted;
    private final String secretHeader;

    public ProxiedHeaders(String tag, CarriedHeaders carried, boolean trusted, String secretHeader) {
        this.tag = tag;
        this.carried = carried;
        this.trusted = trusted;
        this.secretHeader = secretHeader;
    }

    /** Whether {@link #apply} would change {@code headers}: most requests need no copy of the request. */
    public boolean changes(HttpHeaders headers) {
        if (secretHeader != null && headers.getFirst(secretHeader) != null) {
            return true;
        }
        List<String> tags = headers.getValuesAsList(TrafficContext.HEADER);
        if (tag == null ? !tags.isEmpty() : tags.size() != 1 || !tag.equals(tags.get(0))) {
            return true;
        }
        for (String value : headers.getValuesAsList(Baggage.HEADER)) {
            if (!keptMembers(value).equals(value)) {
                return true;
            }
        }
        if (!trusted) {
            for (String name : CarriedHeaders.names()) {
                if (headers.getFirst(name) != null) {
                    return true;
                }
            }
        }
        for (int i = 0; carried != null && i < carried.size(); i++) {
            if (headers.getFirst(carried.name(i)) == null) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void accept(HttpHeaders headers) {
        if (secretHeader != null) {
            HeaderEdits.remove(headers, secretHeader);
        }
        if (tag != null) {
            headers.set(TrafficContext.HEADER, tag);
        } else {
            HeaderEdits.remove(headers, TrafficContext.HEADER);
        }
        List<String> baggage = headers.getValuesAsList(Baggage.HEADER);
        if (!baggage.isEmpty()) {
            List<String> kept = new ArrayList<String>();
            for (String value : baggage) {
                String members = keptMembers(value);
                if (!members.isEmpty()) {
                    kept.add(members);
                }
            }
            HeaderEdits.remove(headers, Baggage.HEADER);
            for (String value : kept) {
                headers.add(Baggage.HEADER, value);
            }
        }
        if (!trusted) {
            for (String name : CarriedHeaders.names()) {
                HeaderEdits.remove(headers, name);
            }
        }
        for (int i = 0; carried != null && i < carried.size(); i++) {
            if (headers.getFirst(carried.name(i)) == null) {
                headers.set(carried.name(i), carried.value(i));
            }
        }
    }

    /**
     * One baggage header value without the {@code lanes.tag} member, and, from an untrusted
     * client, without the {@code lanes.h.*} members; the same string when nothing is taken off.
     */
    String keptMembers(String value) {
        if (value.indexOf(TrafficContext.BAGGAGE_KEY) < 0 && (trusted || value.indexOf(CarriedHeaders.BAGGAGE_PREFIX) < 0)) {
            return value;
        }
        StringBuilder kept = new StringBuilder();
        boolean dropped = false;
        for (String member : value.split(",")) {
            int eq = member.indexOf('=');
            String key = (eq < 0 ? member : member.substring(0, eq)).trim();
            if (key.equals(TrafficContext.BAGGAGE_KEY) || !trusted && key.startsWith(CarriedHeaders.BAGGAGE_PREFIX)) {
                dropped = true;
                continue;
            }
            if (kept.length() > 0) {
                kept.append(',');
            }
            kept.append(member);
        }
        return dropped ? kept.toString().trim() : value;
    }
}
