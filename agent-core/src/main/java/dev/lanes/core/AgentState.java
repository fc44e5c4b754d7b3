package dev.lanes.core;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.TagLoss;
import dev.lanes.core.admin.AdminServer;
import dev.lanes.core.config.AgentConfig;
import dev.lanes.core.config.Setting;
import dev.lanes.core.lifecycle.LosslessLifecycle;
import dev.lanes.core.plugin.AgentTimings;
import dev.lanes.core.plugin.PluginStatus;
import dev.lanes.core.routing.DescribedRequest;
import dev.lanes.core.routing.InboundDecision;
import dev.lanes.core.routing.LaneMetrics;
import dev.lanes.core.routing.LaneRouter;
import dev.lanes.core.routing.RouteDecision;
import dev.lanes.core.rules.RuleDocument;
import dev.lanes.core.rules.RuleError;
import dev.lanes.core.rules.RuleProblem;
import dev.lanes.core.rules.RuleSnapshot;
import dev.lanes.core.rules.RuleStore;
import dev.lanes.core.rules.source.RuleSources;

import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;

/** What the running agent is and does, as the admin endpoint shows it. */
public final class AgentState implements AdminServer.StateSource {

    private final String version;
    private final String application;
    private final String instanceTag;
    private final boolean attached;
    private final long startMillis;
    private final AgentConfig config;
    private final List<PluginStatus> plugins;
    private final RuleStore rules;
    private final LaneMetrics metrics;
    private final LaneRouter router;
    private final LosslessLifecycle lifecycle;

    AgentState(String version, String application, String instanceTag, boolean attached, long startMillis,
               AgentConfig config, List<PluginStatus> plugins, RuleStore rules, LaneMetrics metrics,
               LaneRouter router, LosslessLifecycle lifecycle) {
        this.version = version;
        this.application = application;
        this.instanceTag = instanceTag;
        this.attached = attached;
        this.startMillis = startMillis;
        this.config = config;
        this.plugins = plugins;
        this.rules = rules;
        this.metrics = metrics;
        this.router = router;
        this.lifecycle = lifecycle;
    }

    public RuleStore rules() {
        return rules;
    }

    public LaneMetrics metrics() {
        return metrics;
    }

    /**
     * {@code GET /lanes/explain}: the engine's decision for a request entering this instance
     * (parameters {@code tag}, {@code header.NAME}, {@code cookie.NAME}, {@code query.NAME},
     * {@code path}, {@code method}, {@code arg.N}) and, with {@code service}, for its call to
     * that service among the instances the engine last saw for it.
     */
    @Override
    public Map<String, Object> explain(Map<String, String> parameters) {
        if (router == null) {
            return null;
        }
        DescribedRequest request = new DescribedRequest();
        String tag = null;
        String service = null;
        for (Map.Entry<String, String> p : parameters.entrySet()) {
            String name = p.getKey();
            String value = p.getValue();
            if (name.equals("service")) {
                service = value;
            } else if (name.equals("tag")) {
                tag = value;
            } else if (name.equals("path")) {
                request.path(value);
            } else if (name.equals("method")) {
                request.method(value);
            } else if (name.startsWith("header.") && name.length() > 7) {
                request.header(name.substring(7), value);
            } else if (name.startsWith("cookie.") && name.length() > 7) {
                request.cookie(name.substring(7), value);
            } else if (name.startsWith("query.") && name.length() > 6) {
                request.query(name.substring(6), value);
            } else if (name.startsWith("arg.") && name.length() > 4) {
                try {
                    request.arg(Integer.parseInt(name.substring(4)), value);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("parameter " + name + ": expected arg.N with N an argument "
                            + "index such as arg.0");
                }
            } else {
                throw new IllegalArgumentException("unknown parameter '" + name + "'; expected service, tag, path, "
                        + "method, header.NAME, cookie.NAME, query.NAME or arg.N");
            }
        }
        if (tag == null) {
            tag = request.header(dev.lanes.bridge.TrafficContext.HEADER);
        }
        Map<String, Object> doc = new LinkedHashMap<String, Object>();
        InboundDecision inbound = router.explainInbound(tag, request);
        doc.put("inbound", inbound.toMap());
        if (service != null) {
            RouteDecision<?> outbound = router.explainLastSeen(service, inbound.tag(), null, request);
            if (outbound == null) {
                doc.put("outbound", java.util.Collections.singletonMap("error", "no call to '" + service
                        + "' routed yet: the engine explains over the instances it last saw for a service"));
            } else {
                doc.put("outbound", outbound.toMap());
            }
        }
        return doc;
    }

    /** {@code GET /lanes/metrics}: the routing counters, the rules and the faults, for Prometheus. */
    @Override
    public String prometheus() {
        StringBuilder out = new StringBuilder(4096);
        if (router != null) {
            router.writePrometheus(out);
        } else {
            metrics.writePrometheus(out);
        }
        RuleSnapshot snapshot = rules.current();
        out.append("# HELP lanes_rules_info The rules in force: version and whether they are in dry run.\n");
        out.append("# TYPE lanes_rules_info gauge\n");
        out.append("lanes_rules_info{version=\"").append(LaneMetrics.label(String.valueOf(snapshot.version())))
                .append("\",dry_run=\"").append(snapshot.dryRun()).append("\"} 1\n");
        counter(out, "lanes_rules_applied_total", "Rule documents applied since start.", rules.appliedCount());
        counter(out, "lanes_rules_rejected_total", "Rule documents rejected since start (the rules before stayed).",
                rules.rejectedCount());
        counter(out, "lanes_rules_source_errors_total", "Failures of the rule source since start.",
                rules.sourceErrorCount());
        counter(out, "lanes_agent_faults_total", "Faults the agent caught; the application carried on.",
                AgentFaults.total());
        out.append("# HELP lanes_tag_losses_total Calls of a tagged request that left without its tag, by how "
                + "(thread, java.net.HttpURLConnection, java.net.http.HttpClient) and the application's call site.\n");
        out.append("# TYPE lanes_tag_losses_total counter\n");
        for (Map.Entry<String, Long> e : TagLoss.bySite().entrySet()) {
            int space = e.getKey().indexOf(' ');
            out.append("lanes_tag_losses_total{via=\"").append(LaneMetrics.label(e.getKey().substring(0, space)))
                    .append("\",site=\"").append(LaneMetrics.label(e.getKey().substring(space + 1))).append("\"} ")
                    .append(e.getValue()).append('\n');
        }
        return out.toString();
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n");
        out.append(name).append(' ').append(value).append('\n');
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> doc = new LinkedHashMap<String, Object>();
        doc.put("agentVersion", version);
        String learnt = dev.lanes.bridge.Lanes.routing().applicationName();
        doc.put("application", learnt != null ? learnt : application);
        doc.put("instanceTag", instanceTag);
        doc.put("attached", attached);
        doc.put("startedAt", time(startMillis));
        doc.put("lifecycle", lifecycle());
        doc.put("plugins", plugins());
        doc.put("agentTime", AgentTimings.instance().toMap());
        doc.put("rules", rulesDocument());
        doc.put("lastError", error(rules.lastError()));
        doc.put("lanes", metrics.snapshot());
        doc.put("calledServices", router == null ? java.util.Collections.emptyMap() : router.calledServices());
        doc.put("provides", router == null ? java.util.Collections.emptyList() : router.providedServices());
        Map<String, Object> losses = new LinkedHashMap<String, Object>();
        losses.put("byVia", TagLoss.byVia());
        losses.put("bySite", TagLoss.bySite());
        doc.put("tagLosses", losses);
        Map<String, Object> faults = new LinkedHashMap<String, Object>();
        faults.put("total", AgentFaults.total());
        faults.put("byPlace", AgentFaults.byPlace());
        doc.put("faults", faults);
        Map<String, Object> settings = new LinkedHashMap<String, Object>();
        for (Map.Entry<String, String> e : config.values().entrySet()) {
            Map<String, Object> s = new LinkedHashMap<String, Object>();
            s.put("value", e.getKey().equals(Setting.RULES.key()) ? RuleSources.redact(e.getValue()) : e.getValue());
            s.put("from", config.origin(e.getKey()));
            settings.put(e.getKey(), s);
        }
        doc.put("settings", settings);
        doc.put("settingProblems", config.problems());
        return doc;
    }

    /** {@code GET /lanes/ready}: 200 once registered and until shutdown begins, 503 otherwise. */
    @Override
    public boolean ready() {
        return lifecycle != null && lifecycle.ready();
    }

    @Override
    public Map<String, Object> lifecycle() {
        if (lifecycle == null) {
            return null;
        }
        Map<String, Object> doc = lifecycle.toMap();
        Object since = doc.get("sinceMillis");
        doc.remove("sinceMillis");
        Object at = doc.remove("registerAtMillis");
        Map<String, Object> out = new LinkedHashMap<String, Object>();
        for (Map.Entry<String, Object> e : doc.entrySet()) {
            out.put(e.getKey(), e.getValue());
            if (e.getKey().equals("phase")) {
                out.put("since", time((Long) since));
            } else if (e.getKey().equals("readyBy")) {
                out.put("registerAt", at == null ? null : time((Long) at));
            }
        }
        return out;
    }

    private Map<String, Object> plugins() {
        List<Object> installed = new ArrayList<Object>();
        List<Object> disabled = new ArrayList<Object>();
        List<Object> failed = new ArrayList<Object>();
        for (PluginStatus p : plugins) {
            Map<String, Object> m = new LinkedHashMap<String, Object>();
            m.put("name", p.name());
            switch (p.state()) {
                case INSTALLED:
                    m.put("activeClassLoaders", p.activeLoaders());
                    m.put("inactiveBecause", p.unsupportedReasons());
                    m.put("helpersFailedIn", p.helperFailures());
                    installed.add(m);
                    break;
                case DISABLED:
                    m.put("reason", p.detail());
                    disabled.add(m);
                    break;
                default:
                    m.put("reason", p.detail());
                    failed.add(m);
            }
        }
        Map<String, Object> doc = new LinkedHashMap<String, Object>();
        doc.put("installed", installed);
        doc.put("disabled", disabled);
        doc.put("failed", failed);
        return doc;
    }

    private Map<String, Object> rulesDocument() {
        RuleSnapshot s = rules.current();
        Map<String, Object> doc = new LinkedHashMap<String, Object>();
        doc.put("source", s.source());
        doc.put("version", s.version());
        doc.put("loadedAt", s.loadedAtMillis() > 0 ? time(s.loadedAtMillis()) : null);
        doc.put("lanes", s.lanes().size());
        doc.put("routes", s.routes().size());
        doc.put("propagate", new ArrayList<Object>(s.propagate()));
        doc.put("dryRun", s.dryRun());
        doc.put("applied", rules.appliedCount());
        doc.put("rejected", rules.rejectedCount());
        doc.put("sourceErrors", rules.sourceErrorCount());
        // failed: the setting was refused and there is no source; failing: the source does not
        // answer (rules from before, or the cache, stay in force); ok: it answers.
        String failure = rules.sourceFailure();
        String failing = rules.sourceFailing();
        doc.put("sourceState", config.get(Setting.RULES) == null ? "none" : failure != null ? "failed"
                : failing != null ? "failing" : rules.appliedCount() == 0 ? "starting" : "ok");
        doc.put("sourceFailure", failure != null ? failure : failing);
        List<Object> documents = new ArrayList<Object>();
        for (RuleDocument d : rules.documents()) {
            Map<String, Object> m = new LinkedHashMap<String, Object>();
            m.put("role", d.role().label());
            m.put("origin", d.origin());
            documents.add(m);
        }
        doc.put("documents", documents);
        List<Object> removed = new ArrayList<Object>();
        for (RuleStore.Removed r : rules.removed()) {
            Map<String, Object> m = new LinkedHashMap<String, Object>();
            m.put("role", r.document().role().label());
            m.put("origin", r.origin());
            m.put("version", r.version());
            m.put("removedAt", time(r.removedAtMillis()));
            removed.add(m);
        }
        doc.put("removed", removed);
        return doc;
    }

    private static Map<String, Object> error(RuleError e) {
        if (e == null) {
            return null;
        }
        Map<String, Object> doc = new LinkedHashMap<String, Object>();
        doc.put("time", time(e.timeMillis()));
        doc.put("origin", e.origin());
        doc.put("message", e.message());
        List<Object> problems = new ArrayList<Object>();
        for (RuleProblem p : e.problems()) {
            Map<String, Object> m = new LinkedHashMap<String, Object>();
            m.put("document", p.document());
            m.put("field", p.field());
            m.put("line", p.line());
            m.put("value", p.value());
            m.put("expected", p.expected());
            m.put("message", p.message());
            problems.add(m);
        }
        doc.put("problems", problems);
        return doc;
    }

    private static String time(long millis) {
        SimpleDateFormat f = new SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'");
        f.setTimeZone(TimeZone.getTimeZone("UTC"));
        return f.format(new Date(millis));
    }
}
