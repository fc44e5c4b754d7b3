package dev.lanes.core.rules;

/**
 * One thing wrong with a rule document: where (field path and line), what was found and what
 * was expected, so that whoever edits the rules can fix it without reading the agent's code.
 */
public final class RuleProblem {

    private final String field;
    private final int line;
    private final String value;
    private final String issue;
    private final String expected;
    private final String document;

    /**
     * @param field    the field path, such as {@code lanes[1].entry.percent}, or "document"
     * @param line     the 1-based line, or 0 when unknown
     * @param value    what was found, as shown to the user (strings quoted), or null when absent
     * @param issue    what is wrong with it, such as "is not allowed" or "missing"
     * @param expected what would have been accepted, or null
     */
    public RuleProblem(String field, int line, String value, String issue, String expected) {
        this(field, line, value, issue, expected, null);
    }

    /**
     * @param document the document the line belongs to, such as "nacos:DEFAULT_GROUP/lanes-rules.yaml",
     *                 when the rules are merged from several; null for a single document
     */
    public RuleProblem(String field, int line, String value, String issue, String expected, String document) {
        this.field = field;
        this.line = line;
        this.value = value;
        this.issue = issue;
        this.expected = expected;
        this.document = document;
    }

    /** The same problem, found in {@code document}. */
    public RuleProblem inDocument(String document) {
        return new RuleProblem(field, line, value, issue, expected, document);
    }

    public String field() {
        return field;
    }

    /** The 1-based line of the offending value, or 0 when the reader could not tell. */
    public int line() {
        return line;
    }

    /** The offending value as shown in the message, or null when the field is missing. */
    public String value() {
        return value;
    }

    public String issue() {
        return issue;
    }

    public String expected() {
        return expected;
    }

    /** Which of several merged documents the problem is in, or null for a single document. */
    public String document() {
        return document;
    }

    /** For example {@code lanes[1].entry.percent (line 7): 150 is not allowed; expected an integer from 0 to 100}. */
    public String message() {
        StringBuilder sb = new StringBuilder(field);
        if (line > 0 && document != null) {
            sb.append(" (line ").append(line).append(" of ").append(document).append(')');
        } else if (line > 0) {
            sb.append(" (line ").append(line).append(')');
        } else if (document != null) {
            sb.append(" (in ").append(document).append(')');
        }
        sb.append(": ");
        if (value != null) {
            sb.append(value).append(' ');
        }
        sb.append(issue);
        if (expected != null) {
            sb.append("; expected ").append(expected);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return message();
    }
}
