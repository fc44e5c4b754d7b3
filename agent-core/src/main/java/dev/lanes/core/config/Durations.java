package dev.lanes.core.config;

/** Parses durations in settings: "500ms", "10s", "2m", "1h", or a bare number of milliseconds. */
public final class Durations {

    private Durations() {
    }

    /** Milliseconds, or -1 when the text is not a duration. */
    public static long parseMillis(String text) {
        if (text == null) {
            return -1;
        }
        String t = text.trim();
        long unit = 1;
        String number = t;
        if (t.endsWith("ms")) {
            number = t.substring(0, t.length() - 2);
        } else if (t.endsWith("s")) {
            unit = 1000;
            number = t.substring(0, t.length() - 1);
        } else if (t.endsWith("m")) {
            unit = 60_000;
            number = t.substring(0, t.length() - 1);
        } else if (t.endsWith("h")) {
            unit = 3_600_000;
            number = t.substring(0, t.length() - 1);
        }
        if (number.isEmpty() || number.length() > 9) {
            return -1;
        }
        for (int i = 0; i < number.length(); i++) {
            if (number.charAt(i) < '0' || number.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(number) * unit;
    }
}
