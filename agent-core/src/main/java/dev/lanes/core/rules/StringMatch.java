package dev.lanes.core.rules;

import java.util.regex.Pattern;

/** One condition on a string attribute: exact, prefix, regex or merely present. */
public final class StringMatch {

    /** How the value is compared. */
    public enum Kind { EXACT, PREFIX, REGEX, PRESENT }

    private final Kind kind;
    private final String value;
    private final Pattern pattern;

    private StringMatch(Kind kind, String value, Pattern pattern) {
        this.kind = kind;
        this.value = value;
        this.pattern = pattern;
    }

    public static StringMatch exact(String value) {
        return new StringMatch(Kind.EXACT, value, null);
    }

    public static StringMatch prefix(String value) {
        return new StringMatch(Kind.PREFIX, value, null);
    }

    /** @throws java.util.regex.PatternSyntaxException for an invalid expression */
    public static StringMatch regex(String expression) {
        return new StringMatch(Kind.REGEX, expression, Pattern.compile(expression));
    }

    public static StringMatch present() {
        return new StringMatch(Kind.PRESENT, null, null);
    }

    public Kind kind() {
        return kind;
    }

    public String value() {
        return value;
    }

    /** True when {@code actual} (null if absent) satisfies this condition. */
    public boolean matches(String actual) {
        if (actual == null) {
            return false;
        }
        switch (kind) {
            case EXACT:
                return value.equals(actual);
            case PREFIX:
                return actual.startsWith(value);
            case REGEX:
                return pattern.matcher(actual).matches();
            default:
                return true;
        }
    }

    @Override
    public String toString() {
        return kind == Kind.PRESENT ? "present" : kind.name().toLowerCase(java.util.Locale.ROOT) + " '" + value + "'";
    }
}
