package dev.lanes.core.rules;

import dev.lanes.bridge.CarriedHeaders;
import dev.lanes.bridge.Tags;
import java.nio.charset.Charset;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads a rule document (YAML, or JSON, which is YAML) into a {@link RuleSnapshot}, or rejects
 * it as a whole with every problem found. The format is described in docs/rules.md.
 *
 * <p>Three parts: {@link YamlDocuments} loads the text safely into a bounded node tree (never
 * into Java objects), {@link NodeReader} reads typed values from it with the line of each, and
 * this class maps the tree to the rule types. {@link RuleMerger} merges a global and an
 * application document.
 */
public final class RuleParser extends NodeReader {

    /** The longest document accepted, in characters (1 MiB). */
    public static final int MAX_DOCUMENT_CHARS = 1024 * 1024;
    /** The longest duration any field accepts. */
    public static final long MAX_DURATION_MILLIS = 24L * 60 * 60 * 1000;


    private static final int MAX_NAME = 128;
    private static final int MAX_SERVICE = 256;
    private static final int MAX_ATTRIBUTE_NAME = 256;
    private static final int MAX_STRING = 4096;
    private static final int MAX_ARG_INDEX = 255;
    private static final int MAX_WEIGHT = 10000;
    private static final int DEFAULT_WEIGHT = 100;

    static final long DEFAULT_WARMUP_WINDOW_MILLIS = 120000L;
    static final double DEFAULT_WARMUP_CURVE = 1.0;
    static final int DEFAULT_WARMUP_MIN_WEIGHT_PERCENT = 10;
    static final int DEFAULT_CONSECUTIVE_ERRORS = 5;
    static final long DEFAULT_OUTLIER_INTERVAL_MILLIS = 10000L;
    static final long DEFAULT_BASE_EJECTION_MILLIS = 30000L;
    static final int DEFAULT_MAX_EJECTION_PERCENT = 50;
    static final int DEFAULT_PANIC_THRESHOLD_PERCENT = 50;
    static final long MIN_OUTLIER_INTERVAL_MILLIS = 100L;

    private static final String[] ROOT_KEYS = {"version", "dryRun", "lanes", "routes", "warmup", "outlier",
        "lossless", "propagate", "entry"};
    private static final String[] ENTRY_TRUST_KEYS = {"services", "trust"};
    private static final String[] TRUST_KEYS = {"sources", "secret"};
    private static final String[] SECRET_KEYS = {"header", "value"};
    /** The shortest shared secret accepted: a guessable one is no boundary. */
    static final int MIN_SECRET = 16;
    private static final int MAX_SECRET = 256;
    private static final int MAX_SOURCES = 64;
    private static final int MAX_HEADER_NAME = 64;
    /** An HTTP header name: an RFC 9110 token. */
    private static final Pattern HTTP_TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /**
     * Headers {@code propagate} refuses, each with the reason: the tag's own carriers, which
     * travel already, and headers that describe one connection or one message body, which a
     * proxy or client sets for each hop and which must never be copied to the next request.
     */
    private static final Map<String, String> NOT_CARRIED = new HashMap<String, String>();

    static {
        NOT_CARRIED.put("x-lanes-tag", "carries the traffic tag, which travels already");
        NOT_CARRIED.put("baggage", "carries the traffic tag as the member lanes.tag, and travels with it");
        for (String hopByHop : new String[] {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
            "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"}) {
            NOT_CARRIED.put(hopByHop, "is a hop-by-hop header, which belongs to one connection");
        }
        for (String perMessage : new String[] {"host", "content-length", "content-type", "content-encoding",
            "expect"}) {
            NOT_CARRIED.put(perMessage, "describes one request, and the client sets it for each");
        }
    }
    private static final String[] LANE_KEYS = {"name", "tag", "fallback", "entry"};
    private static final String[] ENTRY_KEYS = {"match", "percent", "stickyBy", "services"};
    private static final String[] MATCH_KEYS = {"headers", "cookies", "query", "path", "method", "args"};
    private static final String[] CONDITION_KEYS = {"exact", "prefix", "regex", "present"};
    private static final String[] ROUTE_KEYS = {"name", "service", "match", "to"};
    private static final String[] DESTINATION_KEYS = {"tag", "weight"};
    private static final String[] WARMUP_KEYS = {"enabled", "window", "curve", "minWeightPercent"};
    private static final String[] OUTLIER_KEYS = {"enabled", "consecutiveErrors", "interval", "baseEjection",
        "maxEjectionPercent", "panicThreshold", "failurePercent", "failureMinCalls"};
    private static final String[] LOSSLESS_KEYS = {"registrationDelay", "drain", "readyTimeout"};

    private static final String BASE = "base";
    private static final String TAG_EXPECTED = "a tag: 1 to " + Tags.MAX_LENGTH
            + " of [A-Za-z0-9._-], starting with a letter or digit";
    private static final String CONDITION_EXPECTED = "a string (exact match) or exactly one of {exact: S}, "
            + "{prefix: S}, {regex: S}, {present: true}";
    private static final String PERCENT_EXPECTED = "an integer from 0 to 100";

    private static final Pattern STICKY = Pattern.compile("(header|cookie|query):(.*)", Pattern.DOTALL);
    private static final Charset UTF_8 = Charset.forName("UTF-8");

    // The composed tree of the last document read, for merging several documents.
    Node root;

    RuleParser(String source) {
        super(source);
    }

    /**
     * Parses and validates {@code text}. An empty document (or one holding only comments) is
     * valid and means no rules.
     *
     * @param text   the document; null counts as empty
     * @param source where it came from, such as "file:/etc/lanes/rules.yaml"; kept in the snapshot
     * @throws RuleValidationException listing every problem, when anything at all is wrong
     */
    public static RuleSnapshot parse(String text, String source) throws RuleValidationException {
        return new RuleParser(source == null ? "unknown" : source).run(text == null ? "" : text);
    }

    /**
     * Parses, validates and merges the documents of one source: the global document and this
     * application's own, which takes precedence (see {@link RuleMerger}).
     *
     * @param documents one or more documents; a single one is read exactly as {@link #parse(String, String)}
     * @param source    where they came from together; kept in the snapshot
     * @throws RuleValidationException listing every problem of every document
     */
    public static RuleSnapshot parse(List<RuleDocument> documents, String source) throws RuleValidationException {
        return RuleMerger.parse(documents, source);
    }

    RuleSnapshot run(String text) throws RuleValidationException {
        String original = text.startsWith("\uFEFF") ? text.substring(1) : text;
        Node root = YamlDocuments.compose(text, this);
        this.root = root;
        if (root == null || isNull(root)) {
            return new RuleSnapshot("none", source, System.currentTimeMillis(), Collections.<LaneRule>emptyList(),
                    Collections.<RouteRule>emptyList(), WarmupSettings.OFF, OutlierSettings.OFF,
                    LosslessSettings.DEFAULT, false);
        }
        RuleSnapshot snapshot;
        try {
            snapshot = document(root, original, null);
        } catch (TooLarge e) {
            problem("document", 0, null, "has more than " + MAX_VALUES + " values (each use of an alias counts)",
                    "a smaller document");
            throw failure();
        }
        if (!problems.isEmpty()) {
            throw failure();
        }
        return snapshot;
    }

    // ---- the document ----

    /** @param fixedVersion the version of merged documents, which replaces the version field; else null */
    RuleSnapshot document(Node root, String text, String fixedVersion) {
        Fields f = fields(root, "", "a mapping with the fields " + join(ROOT_KEYS), ROOT_KEYS);
        if (f == null) {
            return null;
        }
        String version = fixedVersion;
        if (version == null && f.has("version")) {
            version = string(f.get("version"), "version", "a version of 1 to " + MAX_NAME + " characters", 1,
                    MAX_NAME);
        }
        if (version == null) {
            version = contentHash(text);
        }
        boolean dryRun = f.has("dryRun") && bool(f.get("dryRun"), "dryRun");
        List<LaneRule> lanes = lanes(f);
        List<RouteRule> routes = routes(f);
        WarmupSettings warmup = f.has("warmup") ? warmup(f.get("warmup")) : WarmupSettings.OFF;
        OutlierSettings outlier = f.has("outlier") ? outlier(f.get("outlier")) : OutlierSettings.OFF;
        LosslessSettings lossless = f.has("lossless") ? lossless(f.get("lossless")) : LosslessSettings.DEFAULT;
        List<String> propagate = propagate(f);
        EntryTrust entry = f.has("entry") ? entryTrust(f.get("entry")) : EntryTrust.NONE;
        if (!problems.isEmpty()) {
            return null;
        }
        return new RuleSnapshot(version, source, System.currentTimeMillis(), lanes, routes, warmup, outlier,
                lossless, dryRun, propagate, entry);
    }

    /** The headers carried down the call chain: lower-case HTTP header names, each once. */
    private List<String> propagate(Fields root) {
        List<String> names = new ArrayList<String>();
        if (!root.has("propagate")) {
            return names;
        }
        String expected = "a list of at most " + CarriedHeaders.MAX_NAMES
                + " HTTP header names to carry down the call chain, such as [x-env, x-user-id]";
        Node node = root.get("propagate");
        List<Node> items = list(node, "propagate", expected);
        if (items == null) {
            return names;
        }
        if (items.size() > CarriedHeaders.MAX_NAMES) {
            problem("propagate", line(node), items.size() + " names", "lists too many headers", "at most "
                    + CarriedHeaders.MAX_NAMES + " names, the global and the application's documents together");
        }
        String nameExpected = "an HTTP header name of 1 to " + MAX_HEADER_NAME
                + " letters, digits and !#$%&'*+.^_`|~-";
        Map<String, Integer> seen = new HashMap<String, Integer>();
        for (int i = 0; i < items.size(); i++) {
            String path = "propagate[" + i + "]";
            Node item = items.get(i);
            String name = string(item, path, nameExpected, 1, MAX_HEADER_NAME);
            if (name == null) {
                continue;
            }
            if (!HTTP_TOKEN.matcher(name).matches()) {
                problem(path, line(item), quote(name), "is not an HTTP header name", nameExpected);
                continue;
            }
            String lower = name.toLowerCase(Locale.ROOT);
            String refused = NOT_CARRIED.get(lower);
            if (refused != null) {
                problem(path, line(item), quote(name), "cannot be carried: it " + refused,
                        "a header of the application's own, such as x-env");
                continue;
            }
            Integer first = seen.get(lower);
            if (first != null) {
                problem(path, line(item), quote(name), "is listed twice (first at line " + first + ")",
                        "each header once");
                continue;
            }
            seen.put(lower, line(item));
            names.add(lower);
        }
        return names;
    }

    /** The top-level {@code entry}: the trust boundary (docs/rules.md#entry). */
    private EntryTrust entryTrust(Node node) {
        Fields f = fields(node, "entry", "a mapping with services and trust", ENTRY_TRUST_KEYS);
        if (f == null) {
            return EntryTrust.NONE;
        }
        List<String> services = Collections.emptyList();
        if (f.has("services")) {
            services = names(f.get("services"), f.at("services"), "a list of application names of 1 to "
                    + MAX_SERVICE + " characters");
        }
        List<EntryTrust.AddressRange> sources = new ArrayList<EntryTrust.AddressRange>();
        String secretHeader = null;
        String secretValue = null;
        if (f.has("trust")) {
            Fields t = fields(f.get("trust"), "entry.trust", "a mapping with sources and secret", TRUST_KEYS);
            if (t != null && t.has("sources")) {
                String rangeExpected = "an IPv4 or IPv6 address range in CIDR notation (10.0.8.0/24, fd00::/8)"
                        + " or a single address, no host names";
                List<Node> items = list(t.get("sources"), "entry.trust.sources", "a list of " + rangeExpected);
                if (items != null && items.size() > MAX_SOURCES) {
                    problem("entry.trust.sources", line(t.get("sources")), items.size() + " ranges",
                            "lists too many ranges", "at most " + MAX_SOURCES);
                } else if (items != null) {
                    for (int i = 0; i < items.size(); i++) {
                        String path = "entry.trust.sources[" + i + "]";
                        String text = string(items.get(i), path, rangeExpected, 1, 64);
                        if (text == null) {
                            continue;
                        }
                        EntryTrust.AddressRange range = EntryTrust.AddressRange.parse(text);
                        if (range == null) {
                            problem(path, line(items.get(i)), quote(text), "is not an address range", rangeExpected);
                        } else {
                            sources.add(range);
                        }
                    }
                }
            }
            if (t != null && t.has("secret")) {
                Fields s = fields(t.get("secret"), "entry.trust.secret", "a mapping with header and value",
                        SECRET_KEYS);
                if (s != null) {
                    String headerExpected = "an HTTP header name of 1 to " + MAX_HEADER_NAME
                            + " letters, digits and !#$%&'*+.^_`|~-, such as x-lanes-entry";
                    Node h = s.require("header", headerExpected);
                    String header = h == null ? null : string(h, s.at("header"), headerExpected, 1, MAX_HEADER_NAME);
                    if (header != null && !HTTP_TOKEN.matcher(header).matches()) {
                        problem(s.at("header"), line(h), quote(header), "is not an HTTP header name", headerExpected);
                        header = null;
                    } else if (header != null && NOT_CARRIED.containsKey(header.toLowerCase(Locale.ROOT))) {
                        problem(s.at("header"), line(h), quote(header), "cannot be the secret's header",
                                "a header of its own, such as x-lanes-entry");
                        header = null;
                    }
                    String valueExpected = "a secret of " + MIN_SECRET + " to " + MAX_SECRET
                            + " visible ASCII characters (letters, digits, punctuation; no blanks)";
                    Node v = s.require("value", valueExpected);
                    String value = v == null ? null : string(v, s.at("value"), valueExpected, 1, MAX_SECRET);
                    if (value != null && (value.length() < MIN_SECRET || !value.matches("[\\x21-\\x7e]+"))) {
                        // The value itself is never echoed: it is a secret.
                        problem(s.at("value"), line(v), value.length() + " characters",
                                value.length() < MIN_SECRET ? "is too short" : "has characters other than visible ASCII",
                                valueExpected);
                        value = null;
                    }
                    if (header != null && value != null) {
                        secretHeader = header.toLowerCase(Locale.ROOT);
                        secretValue = value;
                    }
                }
            }
        }
        return new EntryTrust(services, sources, secretHeader, secretValue);
    }

    private List<LaneRule> lanes(Fields root) {
        List<LaneRule> lanes = new ArrayList<LaneRule>();
        if (!root.has("lanes")) {
            return lanes;
        }
        List<Node> items = list(root.get("lanes"), "lanes", "a list of lanes");
        if (items == null) {
            return lanes;
        }
        Map<String, String> names = new HashMap<String, String>();
        Map<String, String> tags = new HashMap<String, String>();
        for (int i = 0; i < items.size(); i++) {
            String path = "lanes[" + i + "]";
            Fields f = fields(items.get(i), path, "a lane: a mapping with name, tag and optionally fallback and entry",
                    LANE_KEYS);
            if (f == null) {
                continue;
            }
            String name = null;
            Node nameNode = f.require("name", "a lane name of 1 to " + MAX_NAME + " characters");
            if (nameNode != null) {
                name = string(nameNode, f.at("name"), "a lane name of 1 to " + MAX_NAME + " characters", 1, MAX_NAME);
                unique(names, name, nameNode, f.at("name"), "lane name", "each lane with its own name");
            }
            String tag = null;
            Node tagNode = f.require("tag", TAG_EXPECTED);
            if (tagNode != null) {
                tag = tag(tagNode, f.at("tag"), false);
                unique(tags, tag, tagNode, f.at("tag"), "lane tag", "each lane with its own tag");
            }
            Fallback fallback = Fallback.BASE;
            if (f.has("fallback")) {
                fallback = fallback(f.get("fallback"), f.at("fallback"));
            }
            EntryRule entry = f.has("entry") ? entry(f.get("entry"), f.at("entry")) : null;
            lanes.add(new LaneRule(name, tag, fallback, entry));
        }
        return lanes;
    }

    private void unique(Map<String, String> seen, String value, Node node, String path, String what,
                        String expected) {
        if (value == null) {
            return;
        }
        String first = seen.get(value);
        if (first == null) {
            seen.put(value, path + " (line " + line(node) + ")");
        } else {
            problem(path, line(node), quote(value), "is a duplicate " + what + " (first at " + first + ")", expected);
        }
    }

    private Fallback fallback(Node node, String path) {
        String value = string(node, path, "base or none", 1, MAX_NAME);
        if (value == null) {
            return Fallback.BASE;
        }
        if (value.equals("base")) {
            return Fallback.BASE;
        }
        if (value.equals("none")) {
            return Fallback.NONE;
        }
        problem(path, line(node), quote(value), "is not allowed",
                "base (go to untagged instances) or none (fail at once: a strict lane)");
        return Fallback.BASE;
    }

    private EntryRule entry(Node node, String path) {
        Fields f = fields(node, path, "an entry: a mapping with match, percent, stickyBy and services", ENTRY_KEYS);
        if (f == null) {
            return null;
        }
        Match match = f.has("match") ? match(f.get("match"), f.at("match")) : Match.ANY;
        int percent = 100;
        if (f.has("percent")) {
            percent = integer(f.get("percent"), f.at("percent"), 0, 100, PERCENT_EXPECTED, 100);
        }
        EntryRule.StickyKey sticky = f.has("stickyBy") ? sticky(f.get("stickyBy"), f.at("stickyBy")) : null;
        List<String> services = Collections.emptyList();
        if (f.has("services")) {
            services = names(f.get("services"), f.at("services"), "a list of service names of 1 to " + MAX_SERVICE
                    + " characters");
        }
        return new EntryRule(match, percent, sticky, services);
    }

    private EntryRule.StickyKey sticky(Node node, String path) {
        String expected = "header:NAME, cookie:NAME or query:NAME";
        String value = string(node, path, expected, 1, MAX_ATTRIBUTE_NAME + 7);
        if (value == null) {
            return null;
        }
        Matcher m = STICKY.matcher(value);
        if (!m.matches() || m.group(2).trim().isEmpty() || !m.group(2).trim().equals(m.group(2))) {
            problem(path, line(node), quote(value), "is not allowed", expected);
            return null;
        }
        EntryRule.StickyKey.Source kind = EntryRule.StickyKey.Source.valueOf(m.group(1).toUpperCase(Locale.ROOT));
        return new EntryRule.StickyKey(kind, m.group(2));
    }

    private List<String> names(Node node, String path, String expected) {
        List<String> names = new ArrayList<String>();
        List<Node> items = list(node, path, expected);
        if (items == null) {
            return names;
        }
        for (int i = 0; i < items.size(); i++) {
            String name = string(items.get(i), path + "[" + i + "]", "a service name of 1 to " + MAX_SERVICE
                    + " characters", 1, MAX_SERVICE);
            if (name != null) {
                names.add(name);
            }
        }
        return names;
    }

    private List<RouteRule> routes(Fields root) {
        List<RouteRule> routes = new ArrayList<RouteRule>();
        if (!root.has("routes")) {
            return routes;
        }
        List<Node> items = list(root.get("routes"), "routes", "a list of routes");
        if (items == null) {
            return routes;
        }
        for (int i = 0; i < items.size(); i++) {
            String path = "routes[" + i + "]";
            Fields f = fields(items.get(i), path,
                    "a route: a mapping with service and to, and optionally name and match", ROUTE_KEYS);
            if (f == null) {
                continue;
            }
            String name = null;
            if (f.has("name")) {
                name = string(f.get("name"), f.at("name"), "a route name of 1 to " + MAX_NAME + " characters", 1,
                        MAX_NAME);
            }
            String service = null;
            String serviceExpected = "the name of the called service, 1 to " + MAX_SERVICE + " characters";
            Node serviceNode = f.require("service", serviceExpected);
            if (serviceNode != null) {
                service = string(serviceNode, f.at("service"), serviceExpected, 1, MAX_SERVICE);
            }
            Match match = f.has("match") ? match(f.get("match"), f.at("match")) : Match.ANY;
            List<WeightedTag> to = null;
            Node toNode = f.require("to", "a destination {tag: TAG} or a list of {tag: TAG, weight: N}");
            if (toNode != null) {
                to = destinations(toNode, f.at("to"));
            }
            if (service != null && to != null) {
                routes.add(new RouteRule(name, service, match, to));
            }
        }
        return routes;
    }

    private List<WeightedTag> destinations(Node node, String path) {
        String expected = "a destination {tag: TAG} or a list of {tag: TAG, weight: N}";
        List<Node> items;
        List<String> paths = new ArrayList<String>();
        if (node instanceof MappingNode) {
            items = Collections.singletonList(node);
            paths.add(path);
        } else {
            items = list(node, path, expected);
            if (items == null) {
                return null;
            }
            if (items.isEmpty()) {
                problem(path, line(node), "an empty list", "is not allowed", "at least one destination");
                return null;
            }
            for (int i = 0; i < items.size(); i++) {
                paths.add(path + "[" + i + "]");
            }
        }
        boolean weightRequired = items.size() > 1;
        List<WeightedTag> to = new ArrayList<WeightedTag>();
        Map<String, String> seen = new HashMap<String, String>();
        boolean valid = true;
        long total = 0;
        for (int i = 0; i < items.size(); i++) {
            String at = paths.get(i);
            Fields f = fields(items.get(i), at, "a destination: a mapping with tag and weight", DESTINATION_KEYS);
            if (f == null) {
                valid = false;
                continue;
            }
            String tag = null;
            Node tagNode = f.require("tag", TAG_EXPECTED + ", or base for untagged instances");
            if (tagNode != null) {
                tag = tag(tagNode, f.at("tag"), true);
                unique(seen, tag, tagNode, f.at("tag"), "destination", "each tag once per route");
            }
            int weight = DEFAULT_WEIGHT;
            String weightExpected = "an integer from 0 to " + MAX_WEIGHT;
            if (f.has("weight")) {
                weight = integer(f.get("weight"), f.at("weight"), 0, MAX_WEIGHT, weightExpected, -1);
            } else if (weightRequired) {
                f.require("weight", weightExpected + " (required when a route lists several destinations)");
                weight = -1;
            }
            if (tag == null || weight < 0) {
                valid = false;
                continue;
            }
            total += weight;
            to.add(new WeightedTag(BASE.equals(tag) ? null : tag, weight));
        }
        if (!valid) {
            return null;
        }
        if (total <= 0) {
            problem(path, line(node), "weights adding up to 0", "are not allowed",
                    "at least one destination with a positive weight");
            return null;
        }
        return to;
    }

    /** A validated tag, or "base" when allowed; null after reporting a problem. */
    private String tag(Node node, String path, boolean baseAllowed) {
        String value = string(node, path, TAG_EXPECTED, 1, Tags.MAX_LENGTH);
        if (value == null) {
            return null;
        }
        if (BASE.equals(value)) {
            if (baseAllowed) {
                return value;
            }
            problem(path, line(node), quote(value), "is reserved for untagged instances", "a tag other than base");
            return null;
        }
        if (!Tags.isValid(value)) {
            problem(path, line(node), quote(value), "is not a valid tag", TAG_EXPECTED);
            return null;
        }
        return value;
    }

    // ---- match conditions ----

    private Match match(Node node, String path) {
        Fields f = fields(node, path, "a match: a mapping with " + join(MATCH_KEYS), MATCH_KEYS);
        if (f == null) {
            return Match.ANY;
        }
        List<String> headerNames = new ArrayList<String>();
        List<StringMatch> headerMatches = new ArrayList<StringMatch>();
        List<String> cookieNames = new ArrayList<String>();
        List<StringMatch> cookieMatches = new ArrayList<StringMatch>();
        List<String> queryNames = new ArrayList<String>();
        List<StringMatch> queryMatches = new ArrayList<StringMatch>();
        if (f.has("headers")) {
            namedConditions(f.get("headers"), f.at("headers"), "header", headerNames, headerMatches);
        }
        if (f.has("cookies")) {
            namedConditions(f.get("cookies"), f.at("cookies"), "cookie", cookieNames, cookieMatches);
        }
        if (f.has("query")) {
            namedConditions(f.get("query"), f.at("query"), "query parameter", queryNames, queryMatches);
        }
        StringMatch pathMatch = f.has("path") ? condition(f.get("path"), f.at("path")) : null;
        StringMatch method = f.has("method") ? condition(f.get("method"), f.at("method")) : null;
        List<Integer> argIndexes = new ArrayList<Integer>();
        List<StringMatch> argMatches = new ArrayList<StringMatch>();
        if (f.has("args")) {
            args(f.get("args"), f.at("args"), argIndexes, argMatches);
        }
        int[] indexes = new int[argIndexes.size()];
        for (int i = 0; i < indexes.length; i++) {
            indexes[i] = argIndexes.get(i);
        }
        return new Match(headerNames.toArray(new String[0]), headerMatches.toArray(new StringMatch[0]),
                cookieNames.toArray(new String[0]), cookieMatches.toArray(new StringMatch[0]),
                queryNames.toArray(new String[0]), queryMatches.toArray(new StringMatch[0]), pathMatch, method,
                indexes, argMatches.toArray(new StringMatch[0]));
    }

    private void namedConditions(Node node, String path, String what, List<String> names,
                                 List<StringMatch> matches) {
        List<Entry> entries = entries(node, path, "a mapping from " + what + " name to condition");
        for (Entry e : entries) {
            if (e.key.isEmpty() || e.key.length() > MAX_ATTRIBUTE_NAME) {
                problem(e.path, e.line, quote(e.key), "is not allowed as a " + what + " name",
                        "1 to " + MAX_ATTRIBUTE_NAME + " characters");
                continue;
            }
            StringMatch m = condition(e.value, e.path);
            if (m != null) {
                names.add(e.key);
                matches.add(m);
            }
        }
    }

    private void args(Node node, String path, List<Integer> indexes, List<StringMatch> matches) {
        List<Entry> entries = entries(node, path, "a mapping from argument index (0, 1, ...) to condition");
        Set<Integer> seen = new HashSet<Integer>();
        for (Entry e : entries) {
            int index = -1;
            if (DECIMAL.matcher(e.key).matches() && e.key.length() <= 4 && !e.key.startsWith("-")
                    && !e.key.startsWith("+")) {
                index = Integer.parseInt(e.key);
            }
            if (index < 0 || index > MAX_ARG_INDEX) {
                problem(e.path, e.line, quote(e.key), "is not allowed as an argument index",
                        "an integer from 0 to " + MAX_ARG_INDEX);
                continue;
            }
            if (!seen.add(index)) {
                problem(e.path, e.line, quote(e.key), "names an argument already given", "each argument once");
                continue;
            }
            StringMatch m = condition(e.value, e.path);
            if (m != null) {
                indexes.add(index);
                matches.add(m);
            }
        }
    }

    private StringMatch condition(Node node, String path) {
        if (node instanceof ScalarNode && !isNull(node)) {
            String value = string(node, path, CONDITION_EXPECTED, 0, MAX_STRING);
            return value == null ? null : StringMatch.exact(value);
        }
        if (!(node instanceof MappingNode)) {
            visit(node);
            problem(path, line(node), describe(node), "is not allowed", CONDITION_EXPECTED);
            return null;
        }
        Fields f = fields(node, path, CONDITION_EXPECTED, CONDITION_KEYS);
        if (f == null) {
            return null;
        }
        List<String> kinds = f.keys();
        if (kinds.size() != 1) {
            if (kinds.size() > 1) {
                problem(path, line(node), join(kinds.toArray(new String[0])) + " together", "are not allowed",
                        CONDITION_EXPECTED);
            } else if (!f.hadUnknown) {
                problem(path, line(node), "an empty condition", "is not allowed", CONDITION_EXPECTED);
            }
            return null;
        }
        String kind = kinds.get(0);
        Node value = f.require(kind, CONDITION_EXPECTED);
        if (value == null) {
            return null;
        }
        String at = f.at(kind);
        if (kind.equals("present")) {
            if (isTrueOrFalse(value) && !Boolean.parseBoolean(((ScalarNode) value).getValue())) {
                visit(value);
                problem(at, line(value), "false", "is not allowed", "true (there is no condition for absence)");
                return null;
            }
            return bool(value, at) ? StringMatch.present() : null;
        }
        String s = string(value, at, kind.equals("regex") ? "a Java regular expression" : "a string", 0,
                MAX_STRING);
        if (s == null) {
            return null;
        }
        if (kind.equals("exact")) {
            return StringMatch.exact(s);
        }
        if (kind.equals("prefix")) {
            return StringMatch.prefix(s);
        }
        try {
            return StringMatch.regex(s);
        } catch (PatternSyntaxException e) {
            problem(at, line(value), quote(s), "is not a valid regular expression (" + e.getDescription()
                    + (e.getIndex() >= 0 ? " near index " + e.getIndex() : "") + ")",
                    "a Java regular expression, matched against the whole value");
            return null;
        }
    }

    // ---- settings ----

    private WarmupSettings warmup(Node node) {
        Fields f = fields(node, "warmup", "a mapping with " + join(WARMUP_KEYS), WARMUP_KEYS);
        if (f == null) {
            return WarmupSettings.OFF;
        }
        boolean enabled = !f.has("enabled") || bool(f.get("enabled"), f.at("enabled"));
        long window = f.has("window") ? duration(f.get("window"), f.at("window"), 1) : DEFAULT_WARMUP_WINDOW_MILLIS;
        double curve = DEFAULT_WARMUP_CURVE;
        if (f.has("curve")) {
            curve = number(f.get("curve"), f.at("curve"), 10.0, "a number greater than 0 and at most 10");
        }
        int minWeight = DEFAULT_WARMUP_MIN_WEIGHT_PERCENT;
        if (f.has("minWeightPercent")) {
            minWeight = integer(f.get("minWeightPercent"), f.at("minWeightPercent"), 0, 100, PERCENT_EXPECTED, 0);
        }
        return new WarmupSettings(enabled, window, curve, minWeight);
    }

    private OutlierSettings outlier(Node node) {
        Fields f = fields(node, "outlier", "a mapping with " + join(OUTLIER_KEYS), OUTLIER_KEYS);
        if (f == null) {
            return OutlierSettings.OFF;
        }
        boolean enabled = !f.has("enabled") || bool(f.get("enabled"), f.at("enabled"));
        int errors = DEFAULT_CONSECUTIVE_ERRORS;
        if (f.has("consecutiveErrors")) {
            errors = integer(f.get("consecutiveErrors"), f.at("consecutiveErrors"), 1, 1000,
                    "an integer from 1 to 1000", 0);
        }
        long interval = f.has("interval") ? duration(f.get("interval"), f.at("interval"), MIN_OUTLIER_INTERVAL_MILLIS)
                : DEFAULT_OUTLIER_INTERVAL_MILLIS;
        long ejection = f.has("baseEjection") ? duration(f.get("baseEjection"), f.at("baseEjection"), 1)
                : DEFAULT_BASE_EJECTION_MILLIS;
        int maxEjection = DEFAULT_MAX_EJECTION_PERCENT;
        if (f.has("maxEjectionPercent")) {
            maxEjection = integer(f.get("maxEjectionPercent"), f.at("maxEjectionPercent"), 0, 100,
                    PERCENT_EXPECTED, 0);
        }
        int panic = DEFAULT_PANIC_THRESHOLD_PERCENT;
        if (f.has("panicThreshold")) {
            panic = integer(f.get("panicThreshold"), f.at("panicThreshold"), 0, 100, PERCENT_EXPECTED, 0);
        }
        int failurePercent = 0;
        if (f.has("failurePercent")) {
            failurePercent = integer(f.get("failurePercent"), f.at("failurePercent"), 1, 100,
                    "an integer from 1 to 100 (leave it out for no failure percentage)", 0);
        }
        int failureMinCalls = OutlierSettings.DEFAULT_FAILURE_MIN_CALLS;
        if (f.has("failureMinCalls")) {
            failureMinCalls = integer(f.get("failureMinCalls"), f.at("failureMinCalls"), 1, 100000,
                    "an integer from 1 to 100000", 0);
        }
        return new OutlierSettings(enabled, errors, interval, ejection, maxEjection, panic, failurePercent,
                failureMinCalls);
    }

    private LosslessSettings lossless(Node node) {
        Fields f = fields(node, "lossless", "a mapping with " + join(LOSSLESS_KEYS), LOSSLESS_KEYS);
        if (f == null) {
            return LosslessSettings.DEFAULT;
        }
        long delay = f.has("registrationDelay") ? duration(f.get("registrationDelay"), f.at("registrationDelay"), 0)
                : LosslessSettings.DEFAULT.registrationDelayMillis();
        long drain = f.has("drain") ? duration(f.get("drain"), f.at("drain"), 0)
                : LosslessSettings.DEFAULT.drainMillis();
        long readyTimeout = f.has("readyTimeout") ? duration(f.get("readyTimeout"), f.at("readyTimeout"), 0)
                : LosslessSettings.DEFAULT.readyTimeoutMillis();
        return new LosslessSettings(delay, drain, readyTimeout);
    }

    /** The version of a document without one: the start of its SHA-256, so equal text means equal version. */
    static String contentHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(UTF_8));
            StringBuilder sb = new StringBuilder("sha256:");
            for (int i = 0; i < 6; i++) {
                sb.append(String.format("%02x", digest[i] & 0xff));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide SHA-256; this cannot happen.
            return "sha256:unknown";
        }
    }

}
