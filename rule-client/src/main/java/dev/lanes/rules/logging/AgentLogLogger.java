package dev.lanes.rules.logging;

import dev.lanes.bridge.AgentLog;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * Writes a library's log line to the agent's log. Libraries' info and debug lines are the
 * agent's debug lines; their warnings and errors are the agent's warnings, each kind (logger
 * and message pattern) at most once a minute, since a client that cannot reach its server
 * repeats the same complaint every few seconds. The agent's own rule-source messages say what
 * matters to the user.
 */
final class AgentLogLogger extends LegacyAbstractLogger {

    private static final long serialVersionUID = 1L;
    static final long REPEAT_MILLIS = 60000L;
    private static final int MAX_KINDS = 1000;
    private static final ConcurrentMap<String, long[]> LAST = new ConcurrentHashMap<String, long[]>();

    AgentLogLogger(String name) {
        this.name = name;
    }

    @Override
    public boolean isTraceEnabled() {
        return false;
    }

    @Override
    public boolean isDebugEnabled() {
        return AgentLog.isDebug();
    }

    @Override
    public boolean isInfoEnabled() {
        return AgentLog.isDebug();
    }

    @Override
    public boolean isWarnEnabled() {
        return true;
    }

    @Override
    public boolean isErrorEnabled() {
        return true;
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                               Throwable throwable) {
        try {
            String message = MessageFormatter.basicArrayFormat(pattern, arguments);
            String line = shortName() + ": " + message;
            if ((level == Level.WARN || level == Level.ERROR) && !expected(name, pattern)) {
                int suppressed = admit(name + '\u0000' + pattern);
                if (suppressed < 0) {
                    return;
                }
                String repeat = suppressed > 0 ? " (" + suppressed + " similar lines left out)" : "";
                if (AgentLog.isDebug()) {
                    AgentLog.warn(line + repeat, throwable);
                } else {
                    AgentLog.warn(line + (throwable == null ? "" : " (" + throwable + ")") + repeat);
                }
            } else if (AgentLog.isDebug()) {
                AgentLog.debug(line + (throwable == null ? "" : " (" + throwable + ")"));
            }
        } catch (Throwable ignored) {
            // A library's log line must never fail the library.
        }
    }

    /**
     * Warnings about the way the agent packs the clients, true of every start and of nothing the
     * user can change: the agent's debug lines. nacos-client says it found no logging adapter
     * because the agent leaves them out on purpose, so that it never configures the
     * application's logging; its lines come here.
     */
    static boolean expected(String logger, String pattern) {
        return logger != null && pattern != null && logger.endsWith(".NacosLogging")
                && pattern.startsWith("Nacos Logging don't find adapter");
    }

    /** Returns -1 to leave the line out, else how many lines of its kind were left out before. */
    static int admit(String kind) {
        long now = System.currentTimeMillis();
        long[] state = LAST.get(kind);
        if (state == null) {
            if (LAST.size() >= MAX_KINDS) {
                LAST.clear();
            }
            state = new long[] {now, 0};
            long[] raced = LAST.putIfAbsent(kind, state);
            if (raced == null) {
                return 0;
            }
            state = raced;
        }
        synchronized (state) {
            if (now - state[0] < REPEAT_MILLIS) {
                state[1]++;
                return -1;
            }
            int left = (int) state[1];
            state[0] = now;
            state[1] = 0;
            return left;
        }
    }

    private String shortName() {
        // The relocated prefix says nothing to the user: "dev.lanes.shaded.nacos.client.X" -> "nacos X".
        String n = name == null ? "?" : name;
        String lib = n.contains("nacos") ? "nacos" : n.contains("curator") ? "curator"
                : n.contains("zookeeper") ? "zookeeper" : null;
        int dot = n.lastIndexOf('.');
        String simple = dot >= 0 ? n.substring(dot + 1) : n;
        return lib == null ? simple : lib + " " + simple;
    }
}
