package dev.lanes.core.rules;

import java.util.Collections;
import java.util.List;

/**
 * Why rules could not be updated, as the admin endpoint shows it: a rejected document (with its
 * problems) or a rule source that failed (file missing, rule center unreachable).
 */
public final class RuleError {

    private final long timeMillis;
    private final String origin;
    private final String message;
    private final List<RuleProblem> problems;

    public RuleError(long timeMillis, String origin, String message, List<RuleProblem> problems) {
        this.timeMillis = timeMillis;
        this.origin = origin;
        this.message = message;
        this.problems = problems == null ? Collections.<RuleProblem>emptyList()
                : Collections.unmodifiableList(problems);
    }

    public long timeMillis() {
        return timeMillis;
    }

    /** The document's origin, or the rule source setting for a source error. */
    public String origin() {
        return origin;
    }

    /** One line (for a source error) or a summary with every problem (for a rejected document). */
    public String message() {
        return message;
    }

    /** The problems of a rejected document; empty for a source error. */
    public List<RuleProblem> problems() {
        return problems;
    }

    /** True when the source failed, rather than a document being rejected. */
    public boolean isSourceError() {
        return problems.isEmpty();
    }

    @Override
    public String toString() {
        return message;
    }
}
