package dev.lanes.core.rules;

import dev.lanes.bridge.CarriedHeaders;
import dev.lanes.bridge.RequestView;

/**
 * Conditions on request attributes, all of which must hold. Held in arrays rather than maps
 * so that matching on the hot path neither allocates nor iterates over entry objects.
 */
public final class Match {

    /** A match with no conditions: every request satisfies it. */
    public static final Match ANY = new Match(new String[0], new StringMatch[0], new String[0], new StringMatch[0],
            new String[0], new StringMatch[0], null, null, new int[0], new StringMatch[0]);

    private final String[] headerNames;
    private final StringMatch[] headerMatches;
    private final String[] cookieNames;
    private final StringMatch[] cookieMatches;
    private final String[] queryNames;
    private final StringMatch[] queryMatches;
    private final StringMatch path;
    private final StringMatch method;
    private final int[] argIndexes;
    private final StringMatch[] argMatches;

    public Match(String[] headerNames, StringMatch[] headerMatches, String[] cookieNames, StringMatch[] cookieMatches,
                 String[] queryNames, StringMatch[] queryMatches, StringMatch path, StringMatch method,
                 int[] argIndexes, StringMatch[] argMatches) {
        this.headerNames = headerNames.clone();
        this.headerMatches = headerMatches.clone();
        this.cookieNames = cookieNames.clone();
        this.cookieMatches = cookieMatches.clone();
        this.queryNames = queryNames.clone();
        this.queryMatches = queryMatches.clone();
        this.path = path;
        this.method = method;
        this.argIndexes = argIndexes.clone();
        this.argMatches = argMatches.clone();
    }

    private static String header(RequestView request, CarriedHeaders carried, String name) {
        String value = request.header(name);
        return value == null && carried != null ? carried.get(name) : value;
    }

    /** True when {@code request} satisfies every condition. */
    public boolean matches(RequestView request) {
        return matches(request, null);
    }

    /**
     * True when {@code request} satisfies every condition; a header the request lacks is looked
     * up among the headers {@code carried} down the chain from an earlier hop (may be null).
     */
    public boolean matches(RequestView request, CarriedHeaders carried) {
        if (request == null) {
            request = RequestView.EMPTY;
        }
        for (int i = 0; i < headerNames.length; i++) {
            if (!headerMatches[i].matches(header(request, carried, headerNames[i]))) {
                return false;
            }
        }
        for (int i = 0; i < cookieNames.length; i++) {
            if (!cookieMatches[i].matches(request.cookie(cookieNames[i]))) {
                return false;
            }
        }
        for (int i = 0; i < queryNames.length; i++) {
            if (!queryMatches[i].matches(request.query(queryNames[i]))) {
                return false;
            }
        }
        if (path != null && !path.matches(request.path())) {
            return false;
        }
        if (method != null && !method.matches(request.method())) {
            return false;
        }
        for (int i = 0; i < argIndexes.length; i++) {
            Object arg = request.argument(argIndexes[i]);
            if (!argMatches[i].matches(arg == null ? null : String.valueOf(arg))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Why {@code request} does not satisfy this match (the first condition that fails, with the
     * value found), or null when it does. For explanations, not for the hot path.
     */
    public String mismatch(RequestView request) {
        return mismatch(request, null);
    }

    /** As {@link #mismatch(RequestView)}, with the carried headers as {@link #matches(RequestView, CarriedHeaders)} sees them. */
    public String mismatch(RequestView request, CarriedHeaders carried) {
        RequestView r = request == null ? RequestView.EMPTY : request;
        for (int i = 0; i < headerNames.length; i++) {
            String why = fails("header " + headerNames[i], headerMatches[i], header(r, carried, headerNames[i]));
            if (why != null) {
                return why;
            }
        }
        for (int i = 0; i < cookieNames.length; i++) {
            String why = fails("cookie " + cookieNames[i], cookieMatches[i], r.cookie(cookieNames[i]));
            if (why != null) {
                return why;
            }
        }
        for (int i = 0; i < queryNames.length; i++) {
            String why = fails("query " + queryNames[i], queryMatches[i], r.query(queryNames[i]));
            if (why != null) {
                return why;
            }
        }
        String why = path == null ? null : fails("path", path, r.path());
        if (why == null && method != null) {
            why = fails("method", method, r.method());
        }
        for (int i = 0; why == null && i < argIndexes.length; i++) {
            Object arg = r.argument(argIndexes[i]);
            why = fails("argument " + argIndexes[i], argMatches[i], arg == null ? null : String.valueOf(arg));
        }
        return why;
    }

    private static String fails(String attribute, StringMatch condition, String actual) {
        if (condition.matches(actual)) {
            return null;
        }
        return attribute + (actual == null ? " is absent" : " is '" + actual + "'") + ", expected " + condition;
    }

    /** The conditions, such as "header x-env exact 'dev1', path prefix '/api/'"; "every request" when none. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < headerNames.length; i++) {
            append(sb, "header " + headerNames[i] + " " + headerMatches[i]);
        }
        for (int i = 0; i < cookieNames.length; i++) {
            append(sb, "cookie " + cookieNames[i] + " " + cookieMatches[i]);
        }
        for (int i = 0; i < queryNames.length; i++) {
            append(sb, "query " + queryNames[i] + " " + queryMatches[i]);
        }
        if (path != null) {
            append(sb, "path " + path);
        }
        if (method != null) {
            append(sb, "method " + method);
        }
        for (int i = 0; i < argIndexes.length; i++) {
            append(sb, "argument " + argIndexes[i] + " " + argMatches[i]);
        }
        return sb.length() == 0 ? "every request" : sb.toString();
    }

    private static void append(StringBuilder sb, String condition) {
        if (sb.length() > 0) {
            sb.append(", ");
        }
        sb.append(condition);
    }

    /** True when this match has no conditions. */
    public boolean isEmpty() {
        return headerNames.length == 0 && cookieNames.length == 0 && queryNames.length == 0 && path == null
                && method == null && argIndexes.length == 0;
    }
}
