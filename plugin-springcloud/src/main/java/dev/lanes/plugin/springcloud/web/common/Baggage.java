package dev.lanes.plugin.springcloud.web.common;

import dev.lanes.bridge.TrafficContext;
import java.io.UnsupportedEncodingException;
import java.net.URLDecoder;
import java.util.List;

/**
 * The W3C {@code baggage} header as far as Lanes needs it: find the {@code lanes.tag} member
 * among the comma-separated members of one header value, and write that member. Other members
 * are never touched. A helper: defined in the application's class loader, JDK and bridge only.
 */
public final class Baggage {

    /** The header name (HTTP header names are case-insensitive). */
    public static final String HEADER = "baggage";

    private Baggage() {
    }

    /** The member text to send for {@code tag}, such as {@code lanes.tag=gray}. */
    public static String memberFor(String tag) {
        return TrafficContext.BAGGAGE_KEY + "=" + tag;
    }

    /**
     * The value of the {@code lanes.tag} member in one baggage header value, percent-decoded,
     * with its properties removed; null when the value has no such member.
     */
    public static String tagIn(String headerValue) {
        if (headerValue == null || headerValue.indexOf(TrafficContext.BAGGAGE_KEY) < 0) {
            return null; // the common case: no Lanes member at all, no parsing
        }
        int start = 0;
        int length = headerValue.length();
        while (start <= length) {
            int end = headerValue.indexOf(',', start);
            if (end < 0) {
                end = length;
            }
            String value = memberValue(headerValue, start, end);
            if (value != null) {
                return value;
            }
            start = end + 1;
        }
        return null;
    }

    /** The {@code lanes.tag} member's value among list members (or whole header values), or null. */
    public static String tagInAny(List<String> values) {
        for (int i = 0; i < values.size(); i++) {
            String tag = tagIn(values.get(i));
            if (tag != null) {
                return tag;
            }
        }
        return null;
    }

    /** The number of list members in one header value (empty members do not count). */
    public static int memberCount(String headerValue) {
        if (headerValue == null) {
            return 0;
        }
        int count = 0;
        int start = 0;
        int length = headerValue.length();
        while (start <= length) {
            int end = headerValue.indexOf(',', start);
            if (end < 0) {
                end = length;
            }
            if (!headerValue.substring(start, end).trim().isEmpty()) {
                count++;
            }
            start = end + 1;
        }
        return count;
    }

    private static String memberValue(String header, int start, int end) {
        int equals = header.indexOf('=', start);
        if (equals < 0 || equals >= end) {
            return null;
        }
        String key = header.substring(start, equals).trim();
        if (!key.equals(TrafficContext.BAGGAGE_KEY)) {
            return null;
        }
        int properties = header.indexOf(';', equals);
        int valueEnd = properties >= 0 && properties < end ? properties : end;
        String value = header.substring(equals + 1, valueEnd).trim();
        if (value.indexOf('%') >= 0) {
            try {
                value = URLDecoder.decode(value, "UTF-8");
            } catch (UnsupportedEncodingException | IllegalArgumentException e) {
                return value; // left as is; the tag grammar rejects it
            }
        }
        return value;
    }
}
