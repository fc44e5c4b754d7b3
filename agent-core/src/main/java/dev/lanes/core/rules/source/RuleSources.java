package dev.lanes.core.rules.source;

import dev.lanes.bridge.AgentFaults;
import java.util.Collections;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rule sources on the class path, by scheme, and the reading of the setting
 * {@code lanes.rules} (such as {@code file:/etc/lanes/rules.yaml} or {@code nacos://host:8848/...})
 * that picks one.
 */
public final class RuleSources {

    /** The setting that names where rules come from. */
    public static final String SETTING = "lanes.rules";

    // At least two characters, so that a Windows path such as C:\rules.yaml is not read as a scheme.
    private static final Pattern SCHEME = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]+):(.*)", Pattern.DOTALL);
    private static final String EXAMPLE = "file:/etc/lanes/rules.yaml";

    private final Map<String, RuleSource> byScheme = new TreeMap<String, RuleSource>();

    /** The given sources; the first of several with one scheme wins. */
    public RuleSources(Iterable<? extends RuleSource> sources) {
        for (RuleSource source : sources) {
            String scheme = source.scheme().toLowerCase(Locale.ROOT);
            if (!byScheme.containsKey(scheme)) {
                byScheme.put(scheme, source);
            }
        }
    }

    /** The sources registered in META-INF/services of {@code loader}; a broken provider is reported and skipped. */
    public static RuleSources load(ClassLoader loader) {
        java.util.List<RuleSource> found = new java.util.ArrayList<RuleSource>();
        Iterator<RuleSource> it = ServiceLoader.load(RuleSource.class, loader).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                found.add(it.next());
            } catch (ServiceConfigurationError e) {
                AgentFaults.report("rules:source-provider", e);
            }
        }
        return new RuleSources(found);
    }

    /** The known schemes, sorted. */
    public Set<String> schemes() {
        return Collections.unmodifiableSet(byScheme.keySet());
    }

    /** The source for {@code scheme}, or null. */
    public RuleSource forScheme(String scheme) {
        return scheme == null ? null : byScheme.get(scheme.toLowerCase(Locale.ROOT));
    }

    /**
     * Picks the source named by {@code value} (the setting's value) and starts it.
     *
     * @return the started source, for the caller to close at shutdown
     * @throws IllegalArgumentException naming the setting, its value and the known schemes when
     *                                  the value is malformed or names no known source
     * @throws Exception                whatever the source's start throws for a malformed location
     */
    public RuleSource start(String value, RuleSink sink) throws Exception {
        return start(value, null, sink);
    }

    /** As {@link #start(String, RuleSink)}, for the application {@code application} (null when unknown). */
    public RuleSource start(String value, String application, RuleSink sink) throws Exception {
        String[] parts = split(value);
        RuleSource source = require(value, parts[0]);
        source.start(parts[1], application, sink);
        return source;
    }

    /**
     * The source named by {@code value} and its location, not started.
     *
     * @throws IllegalArgumentException as {@link #start(String, RuleSink)}
     */
    public Map.Entry<RuleSource, String> resolve(String value) {
        String[] parts = split(value);
        return new java.util.AbstractMap.SimpleImmutableEntry<RuleSource, String>(require(value, parts[0]), parts[1]);
    }

    private RuleSource require(String value, String scheme) {
        RuleSource source = byScheme.get(scheme);
        if (source == null) {
            throw new IllegalArgumentException("setting " + SETTING + " = '" + redact(value)
                    + "' names the unknown scheme '" + scheme + "'; expected one of: " + known() + " (for example "
                    + EXAMPLE + ")");
        }
        return source;
    }

    private static final Pattern SECRET_PARAMETER = Pattern.compile(
            "([?&](?:password|secretKey|digest|auth)=)([^&]*)", Pattern.CASE_INSENSITIVE);
    private static final Pattern USER_INFO = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://[^/?@:]*:)([^/?@]*)@");

    /**
     * {@code value} with its secrets (password, secretKey, a digest's password, the password of
     * a user:password@ part) replaced by "***", for logs, the admin endpoint and the cache file.
     */
    public static String redact(String value) {
        if (value == null) {
            return null;
        }
        Matcher m = SECRET_PARAMETER.matcher(value);
        StringBuffer sb = new StringBuffer();
        while (m.find()) {
            String secret = m.group(2);
            int colon = m.group(1).toLowerCase(Locale.ROOT).startsWith("&digest") || m.group(1).toLowerCase(
                    Locale.ROOT).startsWith("?digest") ? secret.indexOf(':') : -1;
            String kept = colon >= 0 ? secret.substring(0, colon + 1) : "";
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + kept + "***"));
        }
        m.appendTail(sb);
        return USER_INFO.matcher(sb.toString()).replaceFirst("$1***@");
    }

    /** {scheme in lower case, location} of a setting value, or IllegalArgumentException. */
    public String[] split(String value) {
        String trimmed = value == null ? "" : value.trim();
        Matcher m = SCHEME.matcher(trimmed);
        if (!m.matches()) {
            throw new IllegalArgumentException("setting " + SETTING + " = '" + (value == null ? "" : redact(value))
                    + "' is not a rule source; expected SCHEME:LOCATION with a scheme among: " + known()
                    + " (for example " + EXAMPLE + ")");
        }
        if (m.group(2).trim().isEmpty()) {
            throw new IllegalArgumentException("setting " + SETTING + " = '" + redact(value)
                    + "' names no location after the scheme; expected SCHEME:LOCATION (for example " + EXAMPLE + ")");
        }
        return new String[] {m.group(1).toLowerCase(Locale.ROOT), m.group(2)};
    }

    private String known() {
        if (byScheme.isEmpty()) {
            return "(none: no rule source is on the class path)";
        }
        StringBuilder sb = new StringBuilder();
        for (String scheme : byScheme.keySet()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(scheme);
        }
        return sb.toString();
    }
}
