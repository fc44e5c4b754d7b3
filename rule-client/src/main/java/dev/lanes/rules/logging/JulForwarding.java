package dev.lanes.rules.logging;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.slf4j.LoggerFactory;

/**
 * gRPC, inside nacos-client, logs through java.util.logging, whose loggers the whole JVM
 * shares. For the agent's relocated namespace only, this stops records from reaching the
 * application's handlers (or, in the command line, the console) and forwards them to the
 * agent's log: warnings as warnings, the rest (such as "Received trailers on closed stream"
 * after a push) as debug lines.
 */
public final class JulForwarding {

    // java.util.logging keeps loggers weakly: hold on to the configured ones.
    private static final java.util.Map<String, Logger> CONFIGURED = new java.util.concurrent.ConcurrentHashMap<String, Logger>();

    private JulForwarding() {
    }

    /** Takes over the java.util.logging loggers under {@code prefix} (a package name). */
    public static void install(String prefix) {
        if (CONFIGURED.containsKey(prefix)) {
            return;
        }
        try {
            Logger logger = Logger.getLogger(prefix);
            logger.setUseParentHandlers(false);
            logger.setLevel(dev.lanes.bridge.AgentLog.isDebug() ? Level.FINE : Level.WARNING);
            logger.addHandler(new Handler() {
                @Override
                public void publish(LogRecord record) {
                    if (record == null) {
                        return;
                    }
                    String message = record.getMessage();
                    if (record.getParameters() != null && message != null) {
                        try {
                            message = java.text.MessageFormat.format(message, record.getParameters());
                        } catch (IllegalArgumentException ignored) {
                            // Keep the pattern as it is.
                        }
                    }
                    org.slf4j.Logger to = LoggerFactory.getLogger(record.getLoggerName() == null ? prefix
                            : record.getLoggerName());
                    if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                        to.warn(message, record.getThrown());
                    } else {
                        to.debug(message, record.getThrown());
                    }
                }

                @Override
                public void flush() {
                }

                @Override
                public void close() {
                }
            });
            CONFIGURED.put(prefix, logger);
        } catch (Throwable ignored) {
            // Without it, gRPC's warnings reach the application's log; nothing worse.
        }
    }
}
