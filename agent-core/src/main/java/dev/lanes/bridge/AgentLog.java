package dev.lanes.bridge;

import java.io.PrintStream;
import java.text.SimpleDateFormat;
import java.util.Date;
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

    private static void log(int at, String message, Throwable t) {
        if (at < level) {
            return;
        }
        try {
            String name = at == DEBUG ? "DEBUG" : at == INFO ? "INFO" : at == WARN ? "WARN" : "ERROR";
            String time = new SimpleDateFormat("yyyy-MM-dd HH:mm:ss.SSS").format(new Date());
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
