package dev.lanes.plugin.springcloud.web.common;

import dev.lanes.bridge.TrafficContext;
import java.io.UnsupportedEncodingException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.util.List;

/**
 * The W3C {@code baggage} header as far as Lanes needs it: find the {@code lanes.tag} member
 * (and the {@code lanes.h.<header>} members of carried headers) among the comma-separated
 * members of one header value, and write those members. Other members
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
     * The member text that carries a header's value, such as {@code lanes.h.x-env=dev%201}: the
     * value percent-encoded, as W3C baggage values must be.
     */
    public static String memberFor(String key, String value) {
        try {
            return key + "=" + URLEncoder.encode(value, "UTF-8").replace("+", "%20");
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException(e); // UTF-8 is always there
        }
    }

    /**
     * The value of the {@code lanes.tag} member in one baggage header value, percent-decoded,
     * with its properties removed; null when the value has no such member.
     */
    public static String tagIn(String headerValue) {
        return valueIn(headerValue, TrafficContext.BAGGAGE_KEY);
    }

    /** The value of member {@code key} among list members (or whole header values), or null. */
    public static String valueInAny(List<String> values, String key) {
        for (int i = 0; values != null && i < values.size(); i++) {
            String value = valueIn(values.get(i), key);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    /**
     * The value of member {@code key} in one baggage header value, percent-decoded, with its
     * properties removed; null when the value has no such member.
     */
    public static String valueIn(String headerValue, String key) {
        if (headerValue == null || headerValue.indexOf(key) < 0) {
            return null; // the common case: no such member at all, no parsing
        }
        int start = 0;
        int length = headerValue.length();
        while (start <= length) {
            int end = headerValue.indexOf(',', start);
            if (end < 0) {
                end = length;
            }
            String value = memberValue(headerValue, key, start, end);
            if (value != null) {
                return value;
            }
            start = end + 1;
        }
        return null;
    }

    /** The {@code lanes.tag} member's value among list members (or whole header values), or null. */
    public static String tagInAny(List<String> values) {
        return valueInAny(values, TrafficContext.BAGGAGE_KEY);
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

    private static String memberValue(String header, String wanted, int start, int end) {
        int equals = header.indexOf('=', start);
        if (equals < 0 || equals >= end) {
            return null;
        }
        String key = header.substring(start, equals).trim();
        if (!key.equals(wanted)) {
            return null;
        }
        int properties = header.indexOf(';', equals);
        int valueEnd = properties >= 0 && properties < end ? properties : end;
        String value = header.substring(equals + 1, valueEnd).trim();
        if (value.indexOf('%') >= 0) {
            try {
                value = URLDecoder.decode(value, "UTF-8");
            } catch (UnsupportedEncodingException | IllegalArgumentException e) {
                return value; // left as is; the tag grammar rejects a malformed tag
            }
        }
        return value;
    }
}
