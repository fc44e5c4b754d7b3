package dev.lanes.plugin.springcloud.web.client;

import dev.lanes.bridge.TrafficContext;
import dev.lanes.plugin.springcloud.web.common.Baggage;
import dev.lanes.plugin.springcloud.web.common.OutboundTags;
import java.util.List;
import org.springframework.http.HttpHeaders;

/**
 * Writes the traffic tag into Spring's {@code HttpHeaders} of an outbound request: the
 * {@code x-lanes-tag} header and the {@code lanes.tag} baggage member, each only when missing.
 * Uses only {@code getFirst}, {@code getValuesAsList}, {@code set} and {@code add}, which keep
 * their signatures from Spring 5.3 to 7 (where {@code HttpHeaders} stopped being a map).
 */
public final class SpringHeaderTags {

    private SpringHeaderTags() {
    }

    /** True when {@link #inject} would add something for {@code current}. */
    public static boolean missing(HttpHeaders headers, String current) {
        if (current == null) {
            return false;
        }
        return headers.getFirst(TrafficContext.HEADER) == null
                || Baggage.tagInAny(headers.getValuesAsList(Baggage.HEADER)) == null;
    }

    /** Adds the tag where it is missing; {@code headers} must be mutable. */
    public static void inject(HttpHeaders headers, String current) {
        if (current == null) {
            return;
        }
        String own = headers.getFirst(TrafficContext.HEADER);
        List<String> members = headers.getValuesAsList(Baggage.HEADER);
        String ownBaggage = Baggage.tagInAny(members);
        String tag = OutboundTags.toWrite(own, ownBaggage, current);
        if (tag == null) {
            return;
        }
        if (own == null) {
            headers.set(TrafficContext.HEADER, tag);
        }
        if (ownBaggage == null) {
            String first = headers.getFirst(Baggage.HEADER);
            String member = Baggage.memberFor(tag);
            if (first == null || first.trim().isEmpty()) {
                headers.set(Baggage.HEADER, member);
            } else if (Baggage.memberCount(first) == members.size()) {
                // One baggage line: extend it, as most receivers read only the first line.
                headers.set(Baggage.HEADER, first + "," + member);
            } else {
                headers.add(Baggage.HEADER, member);
            }
        }
    }
}
