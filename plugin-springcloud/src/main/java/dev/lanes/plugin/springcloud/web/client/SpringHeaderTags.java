package dev.lanes.plugin.springcloud.web.client;

import dev.lanes.bridge.CarriedHeaders;
import dev.lanes.bridge.TrafficContext;
import dev.lanes.plugin.springcloud.web.common.Baggage;
import dev.lanes.plugin.springcloud.web.common.OutboundTags;
import java.util.List;
import org.springframework.http.HttpHeaders;

/**
 * Writes the traffic tag into Spring's {@code HttpHeaders} of an outbound request: the
 * {@code x-lanes-tag} header and the {@code lanes.tag} baggage member, and each carried header
 * with its {@code lanes.h.<name>} baggage member, each only when missing.
 * Uses only {@code getFirst}, {@code getValuesAsList}, {@code set} and {@code add}, which keep
 * their signatures from Spring 5.3 to 7 (where {@code HttpHeaders} stopped being a map).
 */
public final class SpringHeaderTags {

    private SpringHeaderTags() {
    }

    /** True when {@link #inject} would add something for {@code current} and {@code carried}. */
    public static boolean missing(HttpHeaders headers, String current, CarriedHeaders carried) {
        if (current != null && (headers.getFirst(TrafficContext.HEADER) == null
                || Baggage.tagInAny(headers.getValuesAsList(Baggage.HEADER)) == null)) {
            return true;
        }
        for (int i = 0, n = carried == null ? 0 : carried.size(); i < n; i++) {
            if (headers.getFirst(carried.name(i)) == null) {
                return true;
            }
        }
        return false;
    }

    /** Adds the tag and the carried headers where they are missing; {@code headers} must be mutable. */
    public static void inject(HttpHeaders headers, String current, CarriedHeaders carried) {
        if (current == null && carried == null) {
            return;
        }
        List<String> members = headers.getValuesAsList(Baggage.HEADER);
        StringBuilder added = null;
        if (current != null) {
            String own = headers.getFirst(TrafficContext.HEADER);
            String ownBaggage = Baggage.tagInAny(members);
            String tag = OutboundTags.toWrite(own, ownBaggage, current);
            if (tag != null) {
                if (own == null) {
                    headers.set(TrafficContext.HEADER, tag);
                }
                if (ownBaggage == null) {
                    added = new StringBuilder(Baggage.memberFor(tag));
                }
            }
        }
        for (int i = 0, n = carried == null ? 0 : carried.size(); i < n; i++) {
            String name = carried.name(i);
            // A value the application set itself stays, and then so does its baggage member.
            if (headers.getFirst(name) == null) {
                headers.set(name, carried.value(i));
                String key = CarriedHeaders.BAGGAGE_PREFIX + name;
                if (Baggage.valueInAny(members, key) == null) {
                    String member = Baggage.memberFor(key, carried.value(i));
                    added = added == null ? new StringBuilder(member) : added.append(',').append(member);
                }
            }
        }
        if (added == null) {
            return;
        }
        String first = headers.getFirst(Baggage.HEADER);
        if (first == null || first.trim().isEmpty()) {
            headers.set(Baggage.HEADER, added.toString());
        } else if (Baggage.memberCount(first) == members.size()) {
            // One baggage line: extend it, as most receivers read only the first line.
            headers.set(Baggage.HEADER, first + "," + added);
        } else {
            headers.add(Baggage.HEADER, added.toString());
        }
    }
}
