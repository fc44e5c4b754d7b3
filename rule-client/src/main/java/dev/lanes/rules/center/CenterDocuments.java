package dev.lanes.rules.center;

import dev.lanes.bridge.AgentLog;
import dev.lanes.core.rules.RuleDocument;
import dev.lanes.core.rules.source.RuleSink;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The documents a rule center holds for one application (the global one and the application's
 * own), as last read. It delivers them together to the sink once each has been read, and again
 * whenever either changes, and an empty set when neither exists (the rule center answered: no
 * rules); a source reports its failures (an unreachable center) here, once per kind of failure.
 */
public final class CenterDocuments {

    private final RuleSink sink;
    private final String origin;
    private final Map<RuleDocument.Role, String> origins = new EnumMap<RuleDocument.Role, String>(
            RuleDocument.Role.class);
    private final Map<RuleDocument.Role, String> texts = new EnumMap<RuleDocument.Role, String>(
            RuleDocument.Role.class);
    private final Map<RuleDocument.Role, Boolean> read = new EnumMap<RuleDocument.Role, Boolean>(
            RuleDocument.Role.class);
    private List<RuleDocument> delivered;
    private String reported;

    /**
     * @param origin            the source as shown to users (secrets redacted)
     * @param globalOrigin      the global document's origin, or null when there is none
     * @param applicationOrigin the application's document's origin, or null when there is none
     */
    public CenterDocuments(RuleSink sink, String origin, String globalOrigin, String applicationOrigin) {
        this.sink = sink;
        this.origin = origin;
        if (globalOrigin != null) {
            origins.put(RuleDocument.Role.GLOBAL, globalOrigin);
        }
        if (applicationOrigin != null) {
            origins.put(RuleDocument.Role.APPLICATION, applicationOrigin);
        }
    }

    /** The roles this source reads, global first. */
    public List<RuleDocument.Role> roles() {
        return new ArrayList<RuleDocument.Role>(origins.keySet());
    }

    public String origin(RuleDocument.Role role) {
        return origins.get(role);
    }

    /**
     * Records the current text of a document (null: it does not exist) and delivers the set when
     * every document has been read and the set differs from the last one delivered.
     */
    public synchronized void update(RuleDocument.Role role, String text) {
        if (!origins.containsKey(role)) {
            return;
        }
        texts.put(role, text);
        read.put(role, Boolean.TRUE);
        if (read.size() < origins.size()) {
            return;
        }
        List<RuleDocument> docs = new ArrayList<RuleDocument>();
        for (Map.Entry<RuleDocument.Role, String> e : origins.entrySet()) {
            String t = texts.get(e.getKey());
            if (t != null) {
                docs.add(new RuleDocument(e.getKey(), e.getValue(), t));
            }
        }
        recovered();
        if (docs.equals(delivered)) {
            return;
        }
        // An empty set is delivered too: the rule center answered that none of the documents
        // exists, which means no rules (an outage comes through failed(), never as a missing
        // document). The store reports what went away.
        delivered = docs;
        sink.accept(docs, origin);
    }

    /**
     * Adds the application's document, once its name is learnt after start: nothing is delivered
     * again until it has been read.
     *
     * @return false when this source reads an application's document already
     */
    public synchronized boolean addApplication(String applicationOrigin) {
        if (origins.containsKey(RuleDocument.Role.APPLICATION)) {
            return false;
        }
        origins.put(RuleDocument.Role.APPLICATION, applicationOrigin);
        // Deliver the next whole read even if it holds the same documents, so that the agent
        // writes the rules cache under the application's name.
        delivered = null;
        return true;
    }

    /** Reports a failure of the source; the same message is reported once until the source answers again. */
    public synchronized void failed(String message, Throwable cause) {
        if (message.equals(reported)) {
            return;
        }
        reported = message;
        sink.sourceError(message, cause);
    }

    /** True after a failure, until the next successful read. */
    public synchronized boolean failing() {
        return reported != null;
    }

    /** The source answered again, whether or not anything changed. */
    public synchronized void recovered() {
        if (reported != null) {
            AgentLog.info("rule source " + origin + " answers again");
            reported = null;
            sink.sourceRecovered();
        }
    }
}
