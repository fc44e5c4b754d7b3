package dev.lanes.plugin.springcloud.web.common;

import java.io.UnsupportedEncodingException;
import java.net.URLDecoder;

/**
 * Reads one parameter from a raw query string, only when a rule asks for it. Servlet
 * {@code getParameter} is avoided on purpose: for form posts it consumes the request body.
 */
public final class QueryStrings {

    private QueryStrings() {
    }

    /** The first value of {@code name} in a raw (still encoded) query string, decoded; "" for a bare name; or null. */
    public static String first(String rawQuery, String name) {
        if (rawQuery == null || name == null || rawQuery.isEmpty()) {
            return null;
        }
        int length = rawQuery.length();
        int start = 0;
        while (start <= length) {
            int end = rawQuery.indexOf('&', start);
            if (end < 0) {
                end = length;
            }
            int eq = rawQuery.indexOf('=', start);
            int nameEnd = eq >= 0 && eq < end ? eq : end;
            if (nameEnd > start && nameMatches(rawQuery, start, nameEnd, name)) {
                return nameEnd == end ? "" : decode(rawQuery.substring(nameEnd + 1, end));
            }
            start = end + 1;
        }
        return null;
    }

    /** Compares without decoding (or allocating) unless the name in the query is encoded. */
    private static boolean nameMatches(String rawQuery, int start, int end, String name) {
        for (int i = start; i < end; i++) {
            char c = rawQuery.charAt(i);
            if (c == '%' || c == '+') {
                return name.equals(decode(rawQuery.substring(start, end)));
            }
        }
        return end - start == name.length() && rawQuery.regionMatches(start, name, 0, name.length());
    }

    private static String decode(String part) {
        if (part.indexOf('%') < 0 && part.indexOf('+') < 0) {
            return part;
        }
        try {
            return URLDecoder.decode(part, "UTF-8");
        } catch (UnsupportedEncodingException | IllegalArgumentException e) {
            return part; // a malformed escape: compare the raw text
        }
    }
}
