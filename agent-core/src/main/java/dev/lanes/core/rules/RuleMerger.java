package dev.lanes.core.rules;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Merges the global rule document with the application's own, on their YAML trees, so that
 * the merged rules still point at the lines they came from. The application's document wins:
 *
 * <ul>
 *   <li>{@code lanes}: the application's lanes first, then each global lane whose name and tag
 *       the application's lanes do not use (a lane of the same name or tag replaces it);</li>
 *   <li>{@code routes}: the application's routes first; the global routes of a service are kept
 *       only when the application's document has no route for that service;</li>
 *   <li>{@code propagate}: the union, the global document's names first, each name once
 *       (without regard to case); the merged list is held to the same bound as one document's;</li>
 *   <li>{@code warmup}, {@code outlier}, {@code lossless}, {@code dryRun}, {@code entry}: the application's
 *       value when it has one, as a whole; else the global one.</li>
 * </ul>
 *
 * Both documents have been validated on their own before, so their shape is known.
 */
final class RuleMerger {

    private static final String[] WHOLE = {"dryRun", "warmup", "outlier", "lossless", "entry"};

    private RuleMerger() {
    }

    /**
     * Parses, validates and merges the documents of one source: the global document and this
     * application's own, which takes precedence. Each document is validated on its own first, so
     * that every problem names its document, field and line; then their trees are merged and
     * read as one.
     */
    static RuleSnapshot parse(List<RuleDocument> documents, String source) throws RuleValidationException {
        String src = source == null ? "unknown" : source;
        if (documents == null || documents.isEmpty()) {
            return RuleParser.parse("", src);
        }
        if (documents.size() == 1) {
            return RuleParser.parse(documents.get(0).text(), src);
        }
        List<RuleProblem> problems = new ArrayList<RuleProblem>();
        Node global = null;
        Node application = null;
        StringBuilder version = new StringBuilder();
        // The application's document first: its version leads, as its rules do.
        List<RuleDocument> ordered = new ArrayList<RuleDocument>(documents);
        Collections.sort(ordered, new java.util.Comparator<RuleDocument>() {
            @Override
            public int compare(RuleDocument a, RuleDocument b) {
                return b.role().compareTo(a.role());
            }
        });
        for (RuleDocument d : ordered) {
            RuleParser one = new RuleParser(d.origin());
            try {
                RuleSnapshot s = one.run(d.text());
                if (version.length() > 0) {
                    version.append('+');
                }
                version.append(s.version());
                if (d.role() == RuleDocument.Role.GLOBAL) {
                    global = global == null ? one.root : duplicate(problems, d);
                } else {
                    application = application == null ? one.root : duplicate(problems, d);
                }
            } catch (RuleValidationException e) {
                for (RuleProblem p : e.problems()) {
                    problems.add(p.inDocument(d.origin()));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new RuleValidationException(src, problems);
        }
        RuleParser merged = new RuleParser(src);
        try {
            RuleSnapshot snapshot = merged.document(RuleMerger.merge(global, application), null, version.toString());
            if (merged.problems.isEmpty()) {
                return snapshot;
            }
        } catch (NodeReader.TooLarge e) {
            merged.problem("document", 0, null, "has more than " + NodeReader.MAX_VALUES + " values once merged",
                    "smaller documents");
        }
        throw merged.failure();
    }

    private static Node duplicate(List<RuleProblem> problems, RuleDocument d) {
        problems.add(new RuleProblem("document", 0, null, "is a second " + d.role().label() + " document",
                "at most one global and one application document", d.origin()));
        return null;
    }

    /** The merged root; either argument may be null (an empty document). */
    static Node merge(Node global, Node application) {
        Map<String, Node> g = fields(global);
        Map<String, Node> a = fields(application);
        List<NodeTuple> tuples = new ArrayList<NodeTuple>();

        List<Node> lanes = new ArrayList<Node>();
        Set<String> laneNames = new HashSet<String>();
        Set<String> laneTags = new HashSet<String>();
        for (Node lane : items(a.get("lanes"))) {
            lanes.add(lane);
            laneNames.add(scalar(lane, "name"));
            laneTags.add(scalar(lane, "tag"));
        }
        for (Node lane : items(g.get("lanes"))) {
            if (!laneNames.contains(scalar(lane, "name")) && !laneTags.contains(scalar(lane, "tag"))) {
                lanes.add(lane);
            }
        }
        if (!lanes.isEmpty()) {
            tuples.add(new NodeTuple(key("lanes"), new SequenceNode(Tag.SEQ, lanes, DumperOptions.FlowStyle.BLOCK)));
        }

        List<Node> routes = new ArrayList<Node>();
        Set<String> services = new HashSet<String>();
        for (Node route : items(a.get("routes"))) {
            routes.add(route);
            services.add(scalar(route, "service"));
        }
        for (Node route : items(g.get("routes"))) {
            if (!services.contains(scalar(route, "service"))) {
                routes.add(route);
            }
        }
        if (!routes.isEmpty()) {
            tuples.add(new NodeTuple(key("routes"), new SequenceNode(Tag.SEQ, routes,
                    DumperOptions.FlowStyle.BLOCK)));
        }

        // Carried headers are a union: a service needs every header any rule at any hop may match.
        List<Node> propagate = new ArrayList<Node>();
        Set<String> carried = new HashSet<String>();
        for (Node name : concat(items(g.get("propagate")), items(a.get("propagate")))) {
            String text = name instanceof ScalarNode ? ((ScalarNode) name).getValue().toLowerCase(Locale.ROOT) : null;
            if (text == null || carried.add(text)) {
                propagate.add(name);
            }
        }
        if (!propagate.isEmpty()) {
            tuples.add(new NodeTuple(key("propagate"), new SequenceNode(Tag.SEQ, propagate,
                    DumperOptions.FlowStyle.FLOW)));
        }

        for (String name : WHOLE) {
            Node value = a.containsKey(name) ? a.get(name) : g.get(name);
            if (value != null) {
                tuples.add(new NodeTuple(key(name), value));
            }
        }
        return new MappingNode(Tag.MAP, tuples, DumperOptions.FlowStyle.BLOCK);
    }

    /** The fields of a validated mapping that have a value ({@code warmup:} alone counts as absent). */
    private static Map<String, Node> fields(Node node) {
        Map<String, Node> map = new LinkedHashMap<String, Node>();
        if (node instanceof MappingNode) {
            for (NodeTuple t : ((MappingNode) node).getValue()) {
                Node value = t.getValueNode();
                if (t.getKeyNode() instanceof ScalarNode && !isNull(value)) {
                    map.put(((ScalarNode) t.getKeyNode()).getValue(), value);
                }
            }
        }
        return map;
    }

    private static List<Node> concat(List<Node> first, List<Node> second) {
        List<Node> all = new ArrayList<Node>(first);
        all.addAll(second);
        return all;
    }

    private static List<Node> items(Node node) {
        return node instanceof SequenceNode ? ((SequenceNode) node).getValue() : new ArrayList<Node>();
    }

    /** The text of a scalar field of a mapping, or a marker that equals nothing else. */
    private static String scalar(Node node, String field) {
        Node value = fields(node).get(field);
        return value instanceof ScalarNode ? ((ScalarNode) value).getValue() : "\u0000" + System.identityHashCode(node);
    }

    private static boolean isNull(Node node) {
        return node == null || node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    private static ScalarNode key(String name) {
        return new ScalarNode(Tag.STR, name, null, null, DumperOptions.ScalarStyle.PLAIN);
    }
}
