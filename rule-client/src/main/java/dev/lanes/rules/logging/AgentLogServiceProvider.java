package dev.lanes.rules.logging;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J binding inside the agent: the rule-center clients (nacos-client, Curator, the
 * ZooKeeper client) log through the agent's relocated copy of SLF4J, and this provider sends
 * their lines to {@link dev.lanes.bridge.AgentLog}, never to the application's logging.
 */
public final class AgentLogServiceProvider implements SLF4JServiceProvider {

    private final AgentLogLoggerFactory loggers = new AgentLogLoggerFactory();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
    }
}
