package dev.lanes.core.rules.source;

import dev.lanes.core.rules.RuleDocument;
import java.util.List;

/** Where a rule source delivers documents and reports its own failures; in the agent, a {@code RuleStore}. */
public interface RuleSink {

    /**
     * A new or changed rule document. The sink validates it; a rejected document leaves the
     * rules in force unchanged.
     *
     * @param origin where exactly it came from, such as "file:/etc/lanes/rules.yaml"
     */
    void accept(String text, String origin);

    /**
     * The documents of a source that keeps a global document and one per application, delivered
     * together whenever either changes; the sink merges and validates them as one.
     *
     * @param origin where they came from together; an empty list means the rule center answered
     *               and holds none of the documents, that is no rules
     */
    default void accept(List<RuleDocument> documents, String origin) {
        if (documents.isEmpty()) {
            // The rule center holds none of the documents: no rules.
            accept("", origin);
        } else if (documents.size() == 1) {
            accept(documents.get(0).text(), documents.get(0).origin());
        } else {
            sourceError("this rule sink cannot merge " + documents.size() + " documents from " + origin, null);
        }
    }

    /**
     * The source could not deliver (file missing or unreadable, rule center unreachable). The
     * rules in force stay; a source reports a lasting condition once, not on every retry.
     */
    void sourceError(String message, Throwable cause);

    /** The source answers again after {@link #sourceError}, whether or not anything changed. */
    default void sourceRecovered() {
    }
}
