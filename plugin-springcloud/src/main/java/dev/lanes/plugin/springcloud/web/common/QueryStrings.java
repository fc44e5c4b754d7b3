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

    /** The first value of {@code name} in {@code rawQuery} (form-decoded), or null. */
    public static String first(String rawQuery, String name) {
        if (rawQuery == null || name == null || rawQuery.isEmpty()) {
            return null;
        }
        int start = 0;
        int length = rawQuery.length();
        while (start < length) {
            int end = rawQuery.indexOf('&', start);
            if (end < 0) {
                end = length;
            }
            int equals = rawQuery.indexOf('=', start);
            int nameEnd = equals >= 0 && equals < end ? equals : end;
            if (decode(rawQuery.substring(start, nameEnd)).equals(name)) {
                return nameEnd == end ? "" : decode(rawQuery.substring(nameEnd + 1, end));
            }
            start = end + 1;
        }
        return null;
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
