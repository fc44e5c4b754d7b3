package dev.lanes.core.console;

import dev.lanes.core.rules.source.AgentAnnouncement;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One poll of one agent: its {@code GET /lanes} document and metrics, or why it did not answer. */
final class AgentSample {

    final String target;
    final AgentAnnouncement announcement;
    final long atMillis;
    final Map<String, Object> state;
    final List<PrometheusText.Sample> metrics;
    final String error;
    private final Map<String, Double> byKey = new HashMap<String, Double>();

    private AgentSample(String target, AgentAnnouncement announcement, long atMillis, Map<String, Object> state,
                        List<PrometheusText.Sample> metrics, String error) {
        this.target = target;
        this.announcement = announcement;
        this.atMillis = atMillis;
        this.state = state;
        this.metrics = metrics;
        this.error = error;
        for (PrometheusText.Sample s : metrics) {
            byKey.put(s.key(), s.value);
        }
    }

    static AgentSample answered(String target, AgentAnnouncement a, long atMillis, Map<String, Object> state,
                                List<PrometheusText.Sample> metrics) {
        return new AgentSample(target, a, atMillis, state, metrics, null);
    }

    static AgentSample unreachable(String target, AgentAnnouncement a, long atMillis, String error) {
        return new AgentSample(target, a, atMillis, Collections.<String, Object>emptyMap(),
                Collections.<PrometheusText.Sample>emptyList(), error);
    }

    boolean reachable() {
        return error == null;
    }

    /** The value of the series on this poll, or null when it was absent. */
    Double value(PrometheusText.Sample series) {
        return byKey.get(series.key());
    }

    /** The application: from the agent's answer, else from its announcement. */
    String application() {
        Object app = state.get("application");
        if (app instanceof String) {
            return (String) app;
        }
        return announcement == null ? null : announcement.application();
    }
}
