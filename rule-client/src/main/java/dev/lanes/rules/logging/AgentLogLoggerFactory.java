package dev.lanes.rules.logging;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;

/** One {@link AgentLogLogger} per logger name. */
final class AgentLogLoggerFactory implements ILoggerFactory {

    private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<String, Logger>();

    @Override
    public Logger getLogger(String name) {
        Logger logger = loggers.get(name);
        if (logger == null) {
            Logger fresh = new AgentLogLogger(name);
            logger = loggers.putIfAbsent(name, fresh);
            if (logger == null) {
                logger = fresh;
            }
        }
        return logger;
    }
}
