package dev.lanes.core.console;

import dev.lanes.core.rules.source.RuleSources;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live traffic console ({@code java -jar lanes-agent.jar console}): polls every agent it finds
 * each interval and serves the page that shows the cluster. Read-only.
 */
public final class Console implements AutoCloseable {

    /** Agents polled at once; an agent that does not answer holds one of them for the timeout. */
    static final int POLLERS = 4;

    private final ConsoleServer server;
    private final ScheduledExecutorService ticker;
    private final ExecutorService pollers;
    private final ExecutorService http;
    private final String host;
    private final AgentDiscovery discovery;

    private Console(ConsoleServer server, ScheduledExecutorService ticker, ExecutorService pollers,
                    ExecutorService http, String host, AgentDiscovery discovery) {
        this.discovery = discovery;
        this.server = server;
        this.ticker = ticker;
        this.pollers = pollers;
        this.http = http;
        this.host = host;
    }

    /**
     * Starts polling and serving.
     *
     * @param agents         admin addresses (host:port) given on the command line
     * @param rules          a value of lanes.rules whose announced agents are polled too, or null
     * @param token          required on every request when not null
     * @throws IllegalArgumentException when {@code rules} names no source that keeps announcements
     * @throws IOException              when the address cannot be bound
     */
    public static Console start(List<String> agents, String rules, InetSocketAddress bind, String token,
                                long intervalMillis, ClassLoader sourcesLoader) throws IOException {
        long timeout = Math.max(500L, Math.min(intervalMillis, 3000L));
        AgentDiscovery discovery = new AgentDiscovery(agents, rules,
                rules == null ? null : RuleSources.load(sourcesLoader), timeout);
        try {
            discovery.find();
        } catch (UnsupportedOperationException e) {
            discovery.close();
            throw new IllegalArgumentException("--rules " + discovery.source() + ": " + e.getMessage()
                    + "; give --agent HOST:PORT for each agent instead");
        }
        ExecutorService pollers = Executors.newFixedThreadPool(POLLERS, threads("lanes-console-poll"));
        final ClusterPoll poll = new ClusterPoll(discovery, new AgentPoller((int) timeout), pollers, intervalMillis);
        ExecutorService http = Executors.newFixedThreadPool(2, threads("lanes-console-http"));
        ConsoleServer server;
        try {
            server = ConsoleServer.start(bind, token, poll, http);
        } catch (IOException e) {
            pollers.shutdownNow();
            http.shutdownNow();
            discovery.close();
            throw new IOException("cannot listen on " + bind.getHostString() + ":" + bind.getPort() + ": " + e, e);
        }
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(threads("lanes-console"));
        ticker.scheduleWithFixedDelay(new Runnable() {
            @Override
            public void run() {
                try {
                    poll.run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Throwable t) {
                    System.err.println("lanes console: a poll failed: " + t);
                }
            }
        }, 0L, intervalMillis, TimeUnit.MILLISECONDS);
        String host = bind.getAddress() == null ? bind.getHostString() : bind.getAddress().isAnyLocalAddress()
                ? "127.0.0.1" : bind.getAddress().getHostAddress();
        return new Console(server, ticker, pollers, http, host.contains(":") ? "[" + host + "]" : host, discovery);
    }

    public int port() {
        return server.port();
    }

    /** The page's address (without the token). */
    public String url() {
        return "http://" + host + ":" + port() + "/";
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        server.stop();
        pollers.shutdownNow();
        http.shutdownNow();
        discovery.close();
    }

    private static ThreadFactory threads(final String name) {
        final AtomicInteger n = new AtomicInteger();
        return new ThreadFactory() {
            @Override
            public Thread newThread(Runnable r) {
                Thread t = new Thread(r, name + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            }
        };
    }
}
