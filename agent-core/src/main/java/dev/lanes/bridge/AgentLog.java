package dev.lanes.bridge;

import java.io.PrintStream;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The agent's own log, JDK only, so that it never depends on (or disturbs) the logging
 * framework of the application. Lines go to standard error with a "[lanes]" prefix.
 */
public final class AgentLog {

    public static final int DEBUG = 0;
    public static final int INFO = 1;
    public static final int WARN = 2;
    public static final int ERROR = 3;
    public static final int OFF = 4;

    private static volatile int level = INFO;
    private static volatile PrintStream out = System.err;
    private static final ConcurrentMap<String, Boolean> ONCE = new ConcurrentHashMap<String, Boolean>();
    private static final int MAX_ONCE_KEYS = 10000;

    private AgentLog() {
    }

    /** Parses "debug", "info", "warn", "error" or "off"; returns -1 for anything else. */
    public static int parseLevel(String name) {
        if (name == null) {
            return -1;
        }
        String n = name.trim().toLowerCase(java.util.Locale.ROOT);
        if (n.equals("debug")) {
            return DEBUG;
        } else if (n.equals("info")) {
            return INFO;
        } else if (n.equals("warn")) {
            return WARN;
        } else if (n.equals("error")) {
            return ERROR;
        } else if (n.equals("off")) {
            return OFF;
        }
        return -1;
    }

    public static void setLevel(int newLevel) {
        level = newLevel;
    }

    public static boolean isDebug() {
        return level <= DEBUG;
    }

    public static void debug(String message) {
        log(DEBUG, message, null);
    }

    public static void info(String message) {
        log(INFO, message, null);
    }

    public static void warn(String message) {
        log(WARN, message, null);
    }

    public static void warn(String message, Throwable t) {
        log(WARN, message, t);
    }

    public static void error(String message, Throwable t) {
        log(ERROR, message, t);
    }

    /** Logs a warning the first time {@code key} is seen, and never again for that key. */
    public static void warnOnce(String key, String message) {
        if (first(key)) {
            log(WARN, message, null);
        }
    }

    /** True the first time a key is seen; bounded so that hostile input cannot grow it. */
    static boolean first(String key) {
        if (ONCE.size() >= MAX_ONCE_KEYS) {
            return ONCE.putIfAbsent("(overflow)", Boolean.TRUE) == null;
        }
        return ONCE.putIfAbsent(key, Boolean.TRUE) == null;
    }

    public static String abbreviate(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        return s.substring(0, max) + "...";
    }

    /**
     * "yyyy-MM-dd HH:mm:ss.SSS" in the default time zone, by arithmetic: the agent logs during
     * premain, where a first SimpleDateFormat (locale data, calendars) costs some 15 ms.
     */
    public static String timestamp(long epochMillis) {
        long local = epochMillis + java.util.TimeZone.getDefault().getOffset(epochMillis);
        long days = Math.floorDiv(local, 86_400_000L);
        long millisOfDay = Math.floorMod(local, 86_400_000L);
        // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
        long z = days + 719_468L;
        long era = Math.floorDiv(z, 146_097L);
        long doe = z - era * 146_097L;
        long yoe = (doe - doe / 1_460L + doe / 36_524L - doe / 146_096L) / 365L;
        long doy = doe - (365L * yoe + yoe / 4L - yoe / 100L);
        long mp = (5L * doy + 2L) / 153L;
        long day = doy - (153L * mp + 2L) / 5L + 1L;
        long month = mp < 10 ? mp + 3 : mp - 9;
        long year = yoe + era * 400L + (month <= 2 ? 1 : 0);
        StringBuilder sb = new StringBuilder(23);
        sb.append(year).append('-');
        two(sb, month).append('-');
        two(sb, day).append(' ');
        two(sb, millisOfDay / 3_600_000L).append(':');
        two(sb, millisOfDay / 60_000L % 60L).append(':');
        two(sb, millisOfDay / 1_000L % 60L).append('.');
        long ms = millisOfDay % 1_000L;
        if (ms < 100) {
            sb.append('0');
        }
        return two(sb, ms).toString();
    }

    private static StringBuilder two(StringBuilder sb, long value) {
        if (value < 10) {
            sb.append('0');
        }
        return sb.append(value);
    }

    private static void log(int at, String message, Throwable t) {
        if (at < level) {
            return;
        }
        try {
            String name = at == DEBUG ? "DEBUG" : at == INFO ? "INFO" : at == WARN ? "WARN" : "ERROR";
            String time = timestamp(System.currentTimeMillis());
            PrintStream stream = out;
            synchronized (stream) {
                stream.println(time + " [lanes] " + name + " " + message);
                if (t != null) {
                    t.printStackTrace(stream);
                }
            }
        } catch (Throwable ignored) {
            // Logging must never be the reason the application fails.
        }
    }
}
