package dev.lanes.core.console;

import dev.lanes.core.rules.source.AgentAnnouncement;
import dev.lanes.core.rules.source.RuleSource;
import dev.lanes.core.rules.source.RuleSources;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Which agents the console polls: those given with {@code --agent host:port}, and those announced
 * through the rule source given with {@code --rules} (the fleet's {@code lanes.rules}).
 */
final class AgentDiscovery implements AutoCloseable {

    /** An agent to poll: its admin address, its announcement (null for --agent), or why it cannot be polled. */
    static final class Found {
        final String target;
        final AgentAnnouncement announcement;
        final String unreachableBecause;

        Found(String target, AgentAnnouncement announcement, String unreachableBecause) {
            this.target = target;
            this.announcement = announcement;
            this.unreachableBecause = unreachableBecause;
        }
    }

    private final List<String> staticTargets;
    private final RuleSource source;
    private final String location;
    private final String shown;
    private final long timeoutMillis;
    private final String thisHost;
    private List<Found> lastAnnounced = Collections.emptyList();
    private volatile String error;

    /**
     * @param rulesSetting a value of lanes.rules, or null
     * @throws IllegalArgumentException when the setting names no known source, or one that keeps no announcements
     */
    AgentDiscovery(List<String> staticTargets, String rulesSetting, RuleSources sources, long timeoutMillis) {
        this.staticTargets = new ArrayList<String>(staticTargets);
        this.timeoutMillis = timeoutMillis;
        this.thisHost = AgentAnnouncement.thisHost();
        if (rulesSetting == null) {
            source = null;
            location = null;
            shown = null;
            return;
        }
        Map.Entry<RuleSource, String> resolved = sources.resolve(rulesSetting);
        source = resolved.getKey();
        location = resolved.getValue();
        shown = RuleSources.redact(rulesSetting);
    }

    /** The rule source, for messages; null when none. */
    String source() {
        return shown;
    }

    /** Why the last look-up in the rule source failed; null when it answered. */
    String error() {
        return error;
    }

    /**
     * The agents now. A rule source that does not answer keeps the agents it last announced.
     *
     * @throws UnsupportedOperationException when the rule source keeps no announcements
     */
    synchronized List<Found> find() {
        List<Found> out = new ArrayList<Found>();
        for (String target : staticTargets) {
            out.add(new Found(target, null, null));
        }
        if (source != null) {
            try {
                List<Found> announced = new ArrayList<Found>();
                for (AgentAnnouncement a : source.announced(location, timeoutMillis)) {
                    announced.add(found(a));
                }
                lastAnnounced = announced;
                error = null;
            } catch (UnsupportedOperationException e) {
                throw e;
            } catch (Exception e) {
                error = "cannot list the agents announced at " + shown + ": " + e;
            }
            for (Found f : lastAnnounced) {
                if (!staticTargets.contains(f.target)) {
                    out.add(f);
                }
            }
        }
        return out;
    }

    /** Closes the rule source's client that the look-ups kept open. */
    @Override
    public void close() {
        if (source != null) {
            source.close();
        }
    }

    /** An agent on another host whose endpoint listens on its own loopback cannot be polled from here. */
    private Found found(AgentAnnouncement a) {
        boolean loopback = a.admin().startsWith("127.") || a.admin().startsWith("localhost:")
                || a.admin().startsWith("[::1]");
        if (loopback && !a.host().equals(thisHost)) {
            return new Found(a.host() + "/" + a.admin(), a, "its admin endpoint listens on the loopback address of "
                    + "host " + a.host() + "; run a console on that host (see docs/console.md)");
        }
        return new Found(a.admin(), a, null);
    }
}
