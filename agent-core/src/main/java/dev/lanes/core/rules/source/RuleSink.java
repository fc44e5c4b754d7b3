package dev.lanes.core.rules.source;

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
     * The source could not deliver (file missing or unreadable, rule center unreachable). The
     * rules in force stay; a source reports a lasting condition once, not on every retry.
     */
    void sourceError(String message, Throwable cause);
}
