package dev.lanes.core.rules;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads values out of a composed YAML tree, each with the line it stands on: typed scalars,
 * lists and mappings of known fields. Every value that is not what the rules expect becomes a
 * {@link RuleProblem} naming the field, line, value and what was expected; reading goes on, so
 * one pass reports every problem of a document. {@link RuleParser} maps the tree to rules with it.
 */
abstract class NodeReader {

    // Values visited while reading, counting every use of an alias again: bounds the work an
    // alias bomb can cause even though the composer limits the aliases themselves.
    static final int MAX_VALUES = 100000;
    static final int MAX_PROBLEMS = 100;

    static final Set<Tag> STRING_LIKE = new HashSet<Tag>(Arrays.asList(Tag.STR, Tag.INT, Tag.FLOAT,
            Tag.BOOL, Tag.TIMESTAMP));
    static final Pattern DECIMAL = Pattern.compile("[-+]?[0-9]+");
    static final Pattern DURATION = Pattern.compile("([0-9]+)(ms|s|m|h)?");
    static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_-]+");

    /** Where the document came from, named in every problem. */
    final String source;
    final List<RuleProblem> problems = new ArrayList<RuleProblem>();
    int omittedProblems;
    int visited;

    NodeReader(String source) {
        this.source = source;
    }

    RuleValidationException failure() {
        List<RuleProblem> all = new ArrayList<RuleProblem>(problems);
        // Problems are found field by field; the user reads them best in the order of the lines.
        Collections.sort(all, new java.util.Comparator<RuleProblem>() {
            @Override
            public int compare(RuleProblem a, RuleProblem b) {
                return Integer.compare(a.line(), b.line());
            }
        });
        if (omittedProblems > 0) {
            all.add(new RuleProblem("document", 0, null, "has " + omittedProblems + " more problems not listed",
                    null));
        }
        return new RuleValidationException(source, all);
    }

    // ---- typed values ----

    /** A string from any plain scalar (so {@code exact: 42} means "42"); null after a problem. */
    String string(Node node, String path, String expected, int minLength, int maxLength) {
        visit(node);
        if (!(node instanceof ScalarNode) || !STRING_LIKE.contains(node.getTag())) {
            problem(path, line(node), describe(node), "is not allowed", expected);
            return null;
        }
        String value = ((ScalarNode) node).getValue();
        if (value.length() < minLength || value.trim().isEmpty() && minLength > 0) {
            problem(path, line(node), "an empty string", "is not allowed", expected);
            return null;
        }
        if (value.length() > maxLength) {
            problem(path, line(node), describe(node), "is too long (" + value.length() + " characters)", expected);
            return null;
        }
        return value;
    }

    int integer(Node node, String path, int min, int max, String expected, int onError) {
        visit(node);
        if (node instanceof ScalarNode && Tag.INT.equals(node.getTag())) {
            String raw = ((ScalarNode) node).getValue();
            if (DECIMAL.matcher(raw).matches()) {
                String digits = raw.startsWith("-") || raw.startsWith("+") ? raw.substring(1) : raw;
                if (digits.length() <= 12) {
                    long value = Long.parseLong(digits) * (raw.startsWith("-") ? -1 : 1);
                    if (value >= min && value <= max) {
                        return (int) value;
                    }
                }
            }
        }
        problem(path, line(node), describe(node), "is not allowed", expected);
        return onError;
    }

    boolean bool(Node node, String path) {
        visit(node);
        if (isTrueOrFalse(node)) {
            return Boolean.parseBoolean(((ScalarNode) node).getValue());
        }
        problem(path, line(node), describe(node), "is not allowed", "true or false");
        return false;
    }

    static boolean isTrueOrFalse(Node node) {
        if (!(node instanceof ScalarNode) || !Tag.BOOL.equals(node.getTag())) {
            return false;
        }
        String raw = ((ScalarNode) node).getValue();
        // YAML 1.1 also reads yes/no/on/off as booleans; only true and false are accepted so
        // that a value means the same to every reader of the document.
        return raw.equalsIgnoreCase("true") || raw.equalsIgnoreCase("false");
    }

    double number(Node node, String path, double max, String expected) {
        visit(node);
        if (node instanceof ScalarNode && (Tag.INT.equals(node.getTag()) || Tag.FLOAT.equals(node.getTag()))) {
            String raw = ((ScalarNode) node).getValue();
            try {
                double value = Double.parseDouble(raw);
                if (value > 0 && value <= max) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // Reported below: YAML 1.1 forms such as 1_0.5 or .inf are not numbers here.
            }
        }
        problem(path, line(node), describe(node), "is not allowed", expected);
        return 1.0;
    }

    /** Milliseconds from "500ms", "10s", "2m", "1h" or a bare integer (milliseconds). */
    long duration(Node node, String path, long min) {
        visit(node);
        String expected = "a duration from " + formatDuration(min) + " to 24h, such as 500ms, 10s, 2m or 1h "
                + "(a bare integer means milliseconds)";
        if (node instanceof ScalarNode && (Tag.INT.equals(node.getTag()) || Tag.STR.equals(node.getTag()))) {
            Matcher m = DURATION.matcher(((ScalarNode) node).getValue());
            if (m.matches() && m.group(1).length() <= 12) {
                long amount = Long.parseLong(m.group(1));
                String unit = m.group(2) == null ? "ms" : m.group(2);
                long factor = unit.equals("ms") ? 1L : unit.equals("s") ? 1000L : unit.equals("m") ? 60000L : 3600000L;
                long millis = amount * factor;
                if (millis >= min && millis <= RuleParser.MAX_DURATION_MILLIS) {
                    return millis;
                }
            }
        }
        problem(path, line(node), describe(node), "is not allowed", expected);
        return min;
    }

    static String formatDuration(long millis) {
        if (millis == 0) {
            return "0s";
        }
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    // ---- structure ----

    /** The items of a list; null after a problem. */
    List<Node> list(Node node, String path, String expected) {
        visit(node);
        if (!(node instanceof SequenceNode) || !Tag.SEQ.equals(node.getTag())) {
            problem(path, line(node), describe(node), "is not allowed", expected);
            return null;
        }
        return ((SequenceNode) node).getValue();
    }

    /** A mapping with known field names; null (after a problem) when {@code node} is no mapping. */
    Fields fields(Node node, String path, String expected, String[] allowed) {
        visit(node);
        if (!(node instanceof MappingNode) || !Tag.MAP.equals(node.getTag())) {
            problem(path.isEmpty() ? "document" : path, line(node), describe(node), "is not allowed", expected);
            return null;
        }
        Fields f = new Fields(path, line(node));
        for (Entry e : entries(node, path, expected)) {
            if (!Arrays.asList(allowed).contains(e.key)) {
                f.hadUnknown = true;
                problem(e.path, e.line, quote(e.key), "is not a known field", "one of " + join(allowed)
                        + suggestion(e.key, allowed));
            } else {
                f.put(e);
            }
        }
        return f;
    }

    /** The entries of a mapping with string keys, each key once; problems for anything else. */
    List<Entry> entries(Node node, String path, String expected) {
        visit(node);
        List<Entry> entries = new ArrayList<Entry>();
        if (!(node instanceof MappingNode) || !Tag.MAP.equals(node.getTag())) {
            problem(path, line(node), describe(node), "is not allowed", expected);
            return entries;
        }
        Map<String, Integer> seen = new HashMap<String, Integer>();
        for (NodeTuple tuple : ((MappingNode) node).getValue()) {
            Node keyNode = tuple.getKeyNode();
            visit(keyNode);
            if (!(keyNode instanceof ScalarNode) || isNull(keyNode)
                    || !(STRING_LIKE.contains(keyNode.getTag()) || Tag.MERGE.equals(keyNode.getTag()))) {
                problem(path.isEmpty() ? "document" : path, line(keyNode), describe(keyNode),
                        "is not allowed as a key", "a name");
                continue;
            }
            String key = ((ScalarNode) keyNode).getValue();
            String keyPath = child(path, key);
            Integer first = seen.get(key);
            if (first != null) {
                problem(keyPath, line(keyNode), quote(key), "is given twice (first at line " + first + ")",
                        "each key once");
                continue;
            }
            seen.put(key, line(keyNode));
            entries.add(new Entry(key, keyPath, line(keyNode), tuple.getValueNode()));
        }
        return entries;
    }

    static String child(String path, String key) {
        String part = PLAIN_NAME.matcher(key).matches() ? key : "['" + abbreviate(key, 60) + "']";
        if (path.isEmpty()) {
            return part;
        }
        return part.startsWith("[") ? path + part : path + "." + part;
    }

    void visit(Node node) {
        if (++visited > MAX_VALUES) {
            throw new TooLarge();
        }
    }

    void problem(String field, int line, String value, String issue, String expected) {
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(new RuleProblem(field, line, value, issue, expected));
        } else {
            omittedProblems++;
        }
    }

    // ---- helpers ----

    static boolean isNull(Node node) {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    static int line(Node node) {
        Mark mark = node == null ? null : node.getStartMark();
        return mark == null ? 0 : mark.getLine() + 1;
    }

    static int lineAt(String text, int codePointIndex) {
        int line = 1;
        int end = Math.min(text.length(), Math.max(0, codePointIndex));
        for (int i = 0; i < end; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /** How a value is shown in a problem: strings quoted, other scalars as written, collections by kind. */
    static String describe(Node node) {
        if (node == null) {
            return "nothing";
        }
        String tag = Tag.STR.equals(node.getTag()) || Tag.INT.equals(node.getTag()) || Tag.FLOAT.equals(node.getTag())
                || Tag.BOOL.equals(node.getTag()) || Tag.NULL.equals(node.getTag()) || Tag.MAP.equals(node.getTag())
                || Tag.SEQ.equals(node.getTag()) || Tag.TIMESTAMP.equals(node.getTag()) ? ""
                : " tagged " + abbreviate(node.getTag().getValue(), 60);
        if (node instanceof MappingNode) {
            return "a mapping" + tag;
        }
        if (node instanceof SequenceNode) {
            return "a list" + tag;
        }
        ScalarNode scalar = (ScalarNode) node;
        if (Tag.NULL.equals(node.getTag())) {
            return "an empty value";
        }
        if (Tag.STR.equals(node.getTag()) || !tag.isEmpty()) {
            return quote(scalar.getValue()) + tag;
        }
        return abbreviate(printable(scalar.getValue()), 80);
    }

    static String quote(String value) {
        return "'" + abbreviate(printable(value), 80) + "'";
    }

    static String printable(String value) {
        StringBuilder sb = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                if (sb == null) {
                    sb = new StringBuilder(value.substring(0, i));
                }
                sb.append(c == '\n' ? "\\n" : c == '\t' ? "\\t" : String.format("\\u%04x", (int) c));
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? value : sb.toString();
    }

    static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }

    static String oneLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        return abbreviate(s.trim().replaceAll("\\s*\\n\\s*", " "), 300);
    }

    static String join(String[] names) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            if (i > 0) {
                sb.append(i == names.length - 1 ? " and " : ", ");
            }
            sb.append(names[i]);
        }
        return sb.toString();
    }

    /** " (did you mean 'X'?)" for a near miss of a known field, else "". */
    static String suggestion(String key, String[] allowed) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : allowed) {
            int d = candidate.equalsIgnoreCase(key) ? 0 : distance(key.toLowerCase(Locale.ROOT),
                    candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return best != null && bestDistance <= 2 ? " (did you mean '" + best + "'?)" : "";
    }

    static int distance(String a, String b) {
        if (Math.abs(a.length() - b.length()) > 2 || a.length() > 64) {
            return Integer.MAX_VALUE;
        }
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /** The fields of one mapping that passed the name checks. */
    final class Fields {
        final String path;
        final int line;
        final Map<String, Entry> entries = new LinkedHashMap<String, Entry>();
        boolean hadUnknown;

        Fields(String path, int line) {
            this.path = path;
            this.line = line;
        }

        void put(Entry e) {
            entries.put(e.key, e);
        }

        /** Present with a value; a field written with no value ({@code entry:}) counts as absent. */
        boolean has(String key) {
            Entry e = entries.get(key);
            return e != null && !isNull(e.value);
        }

        Node get(String key) {
            Entry e = entries.get(key);
            return e == null || isNull(e.value) ? null : e.value;
        }

        /** The value of a required field, or null after reporting it missing. */
        Node require(String key, String expected) {
            Entry e = entries.get(key);
            if (e == null || isNull(e.value)) {
                problem(at(key), e == null ? line : e.line, null, "missing", expected);
                return null;
            }
            return e.value;
        }

        List<String> keys() {
            return new ArrayList<String>(entries.keySet());
        }

        String at(String key) {
            return child(path, key);
        }
    }

    /** One key and its value, with the key's path and line. */
    static final class Entry {
        final String key;
        final String path;
        final int line;
        final Node value;

        Entry(String key, String path, int line, Node value) {
            this.key = key;
            this.path = path;
            this.line = line;
            this.value = value;
        }
    }

    /** Thrown to stop reading a document that expands beyond {@link #MAX_VALUES}. */
    static final class TooLarge extends RuntimeException {
        TooLarge() {
            super(null, null, false, false);
        }
    }
}
