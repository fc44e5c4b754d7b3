package dev.lanes.core.console;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cluster as the console shows it, built from one poll of every agent and the poll before:
 * services as nodes (applications that run an agent, and services they call), the instances
 * callers route among with their tag, warm-up and ejection, and the calls between services as
 * edges split by lane, with rates from the counters' deltas.
 */
final class TrafficGraph {

    static final String UNKNOWN_APPLICATION = "(unknown application)";

    private final Map<String, Node> nodes = new TreeMap<String, Node>();
    private final Map<String, Edge> edges = new TreeMap<String, Edge>();
    private final Map<String, Map<String, Object>> rules = new LinkedHashMap<String, Map<String, Object>>();
    private final List<Map<String, Object>> agents = new ArrayList<Map<String, Object>>();
    /**
     * Services that an application provides under another name (a Dubbo interface), by that
     * name: calls to them are drawn into the application. A name two applications claim keeps
     * its own node.
     */
    private final Map<String, String> providedBy = new TreeMap<String, String>();

    private TrafficGraph() {
    }

    /**
     * @param now    this poll, one sample per agent
     * @param before the previous poll's sample of each agent, by target; rates need one
     */
    static Map<String, Object> build(Collection<AgentSample> now, Map<String, AgentSample> before) {
        TrafficGraph g = new TrafficGraph();
        for (AgentSample s : now) {
            g.provides(s);
        }
        for (AgentSample s : now) {
            g.add(s, before.get(s.target));
        }
        return g.toMap();
    }

    private static final String CLAIMED_TWICE = "";

    private void provides(AgentSample s) {
        if (!s.reachable() || s.application() == null || !(s.state.get("provides") instanceof List)) {
            return;
        }
        for (Object service : (List<?>) s.state.get("provides")) {
            String name = String.valueOf(service);
            if (name.equals(s.application())) {
                continue;
            }
            String known = providedBy.get(name);
            providedBy.put(name, known == null || known.equals(s.application()) ? s.application() : CLAIMED_TWICE);
        }
    }

    /** The node that calls to {@code service} are drawn into: its provider's when one application claims it. */
    private String nodeOf(String service) {
        String app = providedBy.get(service);
        return app == null || app.equals(CLAIMED_TWICE) ? service : app;
    }

    private void add(AgentSample s, AgentSample previous) {
        String app = s.application() == null ? UNKNOWN_APPLICATION : s.application();
        Map<String, Object> agent = new LinkedHashMap<String, Object>();
        agent.put("target", s.target);
        agent.put("application", app);
        agent.put("reachable", s.reachable());
        agent.put("error", s.error);
        if (s.announcement != null) {
            agent.put("host", s.announcement.host());
            agent.put("pid", s.announcement.pid());
        }
        agents.add(agent);
        Node node = node(app);
        node.agents.add(agent);
        if (!s.reachable()) {
            agent.put("tag", s.announcement == null ? null : s.announcement.instanceTag());
            return;
        }
        agent.put("tag", s.state.get("instanceTag"));
        Map<?, ?> lifecycle = map(s.state.get("lifecycle"));
        agent.put("phase", lifecycle.get("phase"));
        agent.put("ready", lifecycle.get("ready"));
        agent.put("closing", Boolean.TRUE.equals(lifecycle.get("closing")));
        node.tagLosses += tagLosses(map(s.state.get("tagLosses")));
        rules(s, map(s.state.get("rules")));
        for (Map.Entry<?, ?> called : map(s.state.get("calledServices")).entrySet()) {
            String service = String.valueOf(called.getKey());
            edge(app, service);
            Node target = node(nodeOf(service));
            if (called.getValue() instanceof List) {
                for (Object row : (List<?>) called.getValue()) {
                    target.instance(map(row), app, service);
                }
            }
        }
        if (previous != null && previous.reachable() && s.atMillis > previous.atMillis) {
            rates(app, s, previous, (s.atMillis - previous.atMillis) / 1000.0);
        }
    }

    private void rates(String app, AgentSample s, AgentSample previous, double seconds) {
        for (PrometheusText.Sample m : s.metrics) {
            Double before = previous.value(m);
            // A series that appeared since the last poll started from zero; a smaller value was reset.
            double perSecond = (before == null || m.value < before ? m.value : m.value - before) / seconds;
            if (m.name.equals("lanes_calls_total")) {
                Lane lane = edge(app, m.label("service")).lane(m.label("lane"));
                lane.requests += perSecond;
                if (m.label("result").equals("error")) {
                    lane.errors += perSecond;
                }
            } else if (m.name.equals("lanes_outbound_calls_total")) {
                String outcome = m.label("outcome");
                if (outcome.startsWith("fallback_")) {
                    edge(app, m.label("service")).lane(m.label("lane")).fallbacks += perSecond;
                } else if (outcome.equals("strict_failure")) {
                    edge(app, m.label("service")).lane(m.label("lane")).refusals += perSecond;
                }
            } else if (m.name.equals("lanes_tag_losses_total")) {
                node(app).tagLossesPerSecond += perSecond;
            }
        }
    }

    private void rules(AgentSample s, Map<?, ?> r) {
        String key = r.get("source") + " " + r.get("version");
        Map<String, Object> entry = rules.get(key);
        if (entry == null) {
            entry = new LinkedHashMap<String, Object>();
            entry.put("version", r.get("version"));
            entry.put("source", r.get("source"));
            entry.put("sourceState", r.get("sourceState"));
            entry.put("loadedAt", r.get("loadedAt"));
            entry.put("lanes", r.get("lanes"));
            entry.put("routes", r.get("routes"));
            entry.put("dryRun", r.get("dryRun"));
            entry.put("agents", new ArrayList<String>());
            rules.put(key, entry);
        }
        @SuppressWarnings("unchecked")
        List<String> targets = (List<String>) entry.get("agents");
        targets.add(s.target);
    }

    private static long tagLosses(Map<?, ?> losses) {
        long total = 0;
        for (Object count : map(losses.get("byVia")).values()) {
            total += count instanceof Number ? ((Number) count).longValue() : 0L;
        }
        return total;
    }

    private Node node(String name) {
        Node n = nodes.get(name);
        if (n == null) {
            n = new Node(name);
            nodes.put(name, n);
        }
        return n;
    }

    /** The edge from {@code from} to the node of {@code service}, noting the service's name when it differs. */
    private Edge edge(String from, String service) {
        String to = nodeOf(service);
        node(to);
        String key = from + "->" + to;
        Edge e = edges.get(key);
        if (e == null) {
            e = new Edge(from, to);
            edges.put(key, e);
        }
        if (!service.equals(to)) {
            e.services.add(service);
        }
        return e;
    }

    private Map<String, Object> toMap() {
        List<Object> nodeList = new ArrayList<Object>();
        for (Node n : nodes.values()) {
            nodeList.add(n.toMap());
        }
        List<Object> edgeList = new ArrayList<Object>();
        for (Edge e : edges.values()) {
            edgeList.add(e.toMap());
        }
        Map<String, Object> out = new LinkedHashMap<String, Object>();
        out.put("nodes", nodeList);
        out.put("edges", edgeList);
        out.put("rules", new ArrayList<Object>(rules.values()));
        out.put("agents", agents);
        return out;
    }

    private static Map<?, ?> map(Object o) {
        return o instanceof Map ? (Map<?, ?>) o : java.util.Collections.emptyMap();
    }

    static double round(double v) {
        return Math.round(v * 100.0) / 100.0;
    }

    /** A service: its agents, and its instances as its callers see them. */
    private static final class Node {
        final String name;
        final List<Map<String, Object>> agents = new ArrayList<Map<String, Object>>();
        final Map<String, Map<String, Object>> instances = new TreeMap<String, Map<String, Object>>();
        long tagLosses;
        double tagLossesPerSecond;

        Node(String name) {
            this.name = name;
        }

        /**
         * Merges a caller's row: ejected or closing when any caller leaves it out; the lowest
         * warm-up. {@code service} is the name the caller calls it by, kept when not the node's.
         */
        @SuppressWarnings("unchecked")
        void instance(Map<?, ?> row, String caller, String service) {
            String address = String.valueOf(row.get("address"));
            String key = service.equals(name) ? address : service + " " + address;
            Map<String, Object> i = instances.get(key);
            if (i == null) {
                i = new LinkedHashMap<String, Object>();
                i.put("address", address);
                i.put("service", service.equals(name) ? null : service);
                i.put("tag", row.get("tag"));
                i.put("warmupPercent", null);
                i.put("ejected", false);
                i.put("closing", false);
                i.put("seenBy", new ArrayList<String>());
                instances.put(key, i);
            }
            Object warmup = row.get("warmupWeightPercent");
            if (warmup instanceof Number && (i.get("warmupPercent") == null
                    || ((Number) warmup).doubleValue() < ((Number) i.get("warmupPercent")).doubleValue())) {
                i.put("warmupPercent", warmup);
            }
            if (row.get("ejectedUntil") != null) {
                i.put("ejected", true);
            }
            if (row.get("closingUntil") != null) {
                i.put("closing", true);
            }
            List<String> seenBy = (List<String>) i.get("seenBy");
            if (!seenBy.contains(caller)) {
                seenBy.add(caller);
            }
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<String, Object>();
            m.put("name", name);
            m.put("agents", agents);
            m.put("instances", new ArrayList<Object>(instances.values()));
            m.put("tagLosses", tagLosses);
            m.put("tagLossesPerSecond", round(tagLossesPerSecond));
            return m;
        }
    }

    /** Calls from one application to one service, by lane. */
    private static final class Edge {
        final String from;
        final String to;
        final Map<String, Lane> lanes = new TreeMap<String, Lane>();
        /** The names the caller calls the node by, when not the node's own (Dubbo interfaces). */
        final java.util.Set<String> services = new java.util.TreeSet<String>();

        Edge(String from, String to) {
            this.from = from;
            this.to = to;
        }

        Lane lane(String name) {
            Lane l = lanes.get(name);
            if (l == null) {
                l = new Lane(name);
                lanes.put(name, l);
            }
            return l;
        }

        Map<String, Object> toMap() {
            double requests = 0;
            double errors = 0;
            double fallbacks = 0;
            for (Lane l : lanes.values()) {
                requests += l.requests;
                errors += l.errors;
                fallbacks += l.fallbacks;
            }
            List<Object> rows = new ArrayList<Object>();
            for (Lane l : lanes.values()) {
                rows.add(l.toMap(requests));
            }
            Map<String, Object> m = new LinkedHashMap<String, Object>();
            m.put("id", from + "->" + to);
            m.put("from", from);
            m.put("to", to);
            m.put("services", new ArrayList<String>(services));
            m.put("requestsPerSecond", round(requests));
            m.put("errorsPerSecond", round(errors));
            m.put("fallbacksPerSecond", round(fallbacks));
            m.put("lanes", rows);
            return m;
        }
    }

    /** One lane's calls on an edge, per second. */
    private static final class Lane {
        final String name;
        double requests;
        double errors;
        double fallbacks;
        double refusals;

        Lane(String name) {
            this.name = name;
        }

        Map<String, Object> toMap(double edgeRequests) {
            Map<String, Object> m = new LinkedHashMap<String, Object>();
            m.put("lane", name);
            m.put("requestsPerSecond", round(requests));
            m.put("errorsPerSecond", round(errors));
            m.put("fallbacksPerSecond", round(fallbacks));
            m.put("refusalsPerSecond", round(refusals));
            m.put("sharePercent", edgeRequests > 0 ? Math.round(requests * 100.0 / edgeRequests) : null);
            return m;
        }
    }
}
