package dev.lanes.rules.logging;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.slf4j.LoggerFactory;

/**
 * gRPC, inside nacos-client, logs through java.util.logging, whose loggers the whole JVM
 * shares. For the agent's relocated namespace only, this stops records from reaching the
 * application's handlers and forwards warnings to the agent's log.
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
            logger.setLevel(Level.WARNING);
            logger.addHandler(new Handler() {
                @Override
                public void publish(LogRecord record) {
                    if (record == null || record.getLevel().intValue() < Level.WARNING.intValue()) {
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
                    LoggerFactory.getLogger(record.getLoggerName() == null ? prefix : record.getLoggerName())
                            .warn(message, record.getThrown());
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
