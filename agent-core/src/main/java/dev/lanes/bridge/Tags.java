package dev.lanes.bridge;

/**
 * The grammar of tags. A tag is 1 to 63 characters of letters, digits, '.', '_' and '-',
 * starting with a letter or digit; anything else arriving from outside (a header, an
 * attachment, metadata) is treated as absent.
 */
public final class Tags {

    public static final int MAX_LENGTH = 63;

    private Tags() {
    }

    /** True when {@code value} is a well-formed tag. */
    public static boolean isValid(String value) {
        if (value == null) {
            return false;
        }
        int n = value.length();
        if (n == 0 || n > MAX_LENGTH || !isAlphaNumeric(value.charAt(0))) {
            return false;
        }
        for (int i = 1; i < n; i++) {
            char c = value.charAt(i);
            if (!isAlphaNumeric(c) && c != '.' && c != '_' && c != '-') {
                return false;
            }
        }
        return true;
    }

    /**
     * Returns the tag carried by {@code raw} (surrounding blanks removed), or null when it is
     * absent or malformed. A malformed value is logged once per distinct source.
     */
    public static String fromOutside(String raw, String source) {
        if (raw == null) {
            return null;
        }
        String value = raw.trim();
        if (value.isEmpty()) {
            return null;
        }
        if (isValid(value)) {
            return value;
        }
        AgentLog.warnOnce("tag:" + source, "ignoring malformed traffic tag from " + source + ": '"
                + AgentLog.abbreviate(value, 80) + "' (expected 1-" + MAX_LENGTH
                + " of [A-Za-z0-9._-], starting with a letter or digit)");
        return null;
    }

    private static boolean isAlphaNumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
}
