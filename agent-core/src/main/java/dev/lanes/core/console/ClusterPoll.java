package dev.lanes.core.console;

import dev.lanes.core.admin.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * One round of the console: finds the agents, polls them all in parallel, and builds the state
 * the page shows from this round and the one before.
 */
final class ClusterPoll {

    private final AgentDiscovery discovery;
    private final AgentPoller poller;
    private final ExecutorService pool;
    private final long intervalMillis;
    private Map<String, AgentSample> previous = new HashMap<String, AgentSample>();
    private volatile String stateJson;

    ClusterPoll(AgentDiscovery discovery, AgentPoller poller, ExecutorService pool, long intervalMillis) {
        this.discovery = discovery;
        this.poller = poller;
        this.pool = pool;
        this.intervalMillis = intervalMillis;
        this.stateJson = Json.write(state(new HashMap<String, Object>()));
    }

    /** The latest state, as JSON for {@code GET /api/state}. */
    String stateJson() {
        return stateJson;
    }

    /** Polls every agent once; never throws for an agent that does not answer. */
    synchronized void run() throws InterruptedException {
        List<Future<AgentSample>> futures = new ArrayList<Future<AgentSample>>();
        for (final AgentDiscovery.Found f : discovery.find()) {
            futures.add(pool.submit(new Callable<AgentSample>() {
                @Override
                public AgentSample call() {
                    return f.unreachableBecause != null ? AgentSample.unreachable(f.target, f.announcement,
                            System.currentTimeMillis(), f.unreachableBecause) : poller.poll(f.target, f.announcement);
                }
            }));
        }
        List<AgentSample> now = new ArrayList<AgentSample>();
        for (Future<AgentSample> f : futures) {
            try {
                now.add(f.get());
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("polling failed", e.getCause());
            }
        }
        Map<String, Object> graph = TrafficGraph.build(now, previous);
        Map<String, AgentSample> next = new HashMap<String, AgentSample>();
        for (AgentSample s : now) {
            // An agent that missed a poll keeps its last answer, so that its rates resume after it.
            next.put(s.target, s.reachable() || !previous.containsKey(s.target) ? s : previous.get(s.target));
        }
        previous = next;
        stateJson = Json.write(state(graph));
    }

    private Map<String, Object> state(Map<String, Object> graph) {
        Map<String, Object> out = new LinkedHashMap<String, Object>();
        out.put("at", java.time.Instant.now().toString());
        out.put("intervalMillis", intervalMillis);
        out.put("discovery", discovery.source());
        out.put("discoveryError", discovery.error());
        out.putAll(graph);
        return out;
    }
}
