package dev.lanes.core.rules;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A rule document was rejected as a whole; {@link #problems()} lists everything found wrong with it. */
public final class RuleValidationException extends Exception {

    private final String source;
    private final List<RuleProblem> problems;

    public RuleValidationException(String source, List<RuleProblem> problems) {
        super(describe(source, problems));
        this.source = source;
        this.problems = Collections.unmodifiableList(new ArrayList<RuleProblem>(problems));
    }

    /** Where the rejected document came from. */
    public String source() {
        return source;
    }

    /** Every problem found, in document order; never empty. */
    public List<RuleProblem> problems() {
        return problems;
    }

    private static String describe(String source, List<RuleProblem> problems) {
        StringBuilder sb = new StringBuilder();
        sb.append(problems.size()).append(problems.size() == 1 ? " problem" : " problems")
                .append(" in the rules from ").append(source).append(':');
        for (RuleProblem p : problems) {
            sb.append("\n  - ").append(p.message());
        }
        return sb.toString();
    }
}
