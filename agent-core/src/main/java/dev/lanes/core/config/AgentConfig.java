package dev.lanes.core.config;

import dev.lanes.bridge.AgentLog;
import dev.lanes.bridge.Tags;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The agent's settings, resolved once at start from, in order of precedence: agent arguments
 * ({@code -javaagent:lanes-agent.jar=tag=gray,app=orders}), system properties
 * ({@code -Dlanes.tag=gray}), the environment ({@code LANES_TAG=gray}) and, for the tag and
 * the application name, a Kubernetes downward-API labels file. A malformed or unknown
 * setting is reported with its name and ignored; it never stops the application.
 */
public final class AgentConfig {

    /** Default location of the downward-API labels file. */
    public static final String DEFAULT_LABELS_FILE = "/etc/podinfo/labels";
    /** Label keys read from the labels file, in order. */
    static final String[] TAG_LABELS = {"lanes.dev/tag", "lanes-tag"};
    static final String[] APP_LABELS = {"lanes.dev/app", "app.kubernetes.io/name", "app"};

    private static final String PLUGIN_PREFIX = "lanes.plugin.";
    private static final String PLUGIN_SUFFIX = ".enabled";
    /** Problems found after start-up, when the plugins are known. */
    private final List<String> lateProblems = new java.util.concurrent.CopyOnWriteArrayList<String>();
    private final Map<String, String> values;
    private final Map<String, String> origins;
    private final List<String> problems;

    private AgentConfig(Map<String, String> values, Map<String, String> origins, List<String> problems) {
        this.values = Collections.unmodifiableMap(values);
        this.origins = Collections.unmodifiableMap(origins);
        this.problems = Collections.unmodifiableList(problems);
    }

    /** Resolves the settings of this JVM. */
    public static AgentConfig load(String agentArgs) {
        return resolve(agentArgs, System.getProperties(), System.getenv());
    }

    /** Resolves settings from explicit sources; visible for tests. */
    public static AgentConfig resolve(String agentArgs, java.util.Properties system, Map<String, String> env) {
        Map<String, String> values = new LinkedHashMap<String, String>();
        Map<String, String> origins = new LinkedHashMap<String, String>();
        List<String> problems = new ArrayList<String>();

        // Lowest precedence first, so that later sources overwrite.
        for (Map.Entry<String, String> e : env.entrySet()) {
            String name = e.getKey();
            if (!name.startsWith("LANES_")) {
                continue;
            }
            String key = "lanes." + name.substring("LANES_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
            accept(key, e.getValue(), "environment variable " + name, values, origins, problems);
        }
        for (String name : system.stringPropertyNames()) {
            if (name.startsWith("lanes.")) {
                accept(name, system.getProperty(name), "system property " + name, values, origins, problems);
            }
        }
        parseAgentArgs(agentArgs, values, origins, problems);

        if (!values.containsKey(Setting.TAG.key()) || !values.containsKey(Setting.APP.key())) {
            String labelsPath = values.containsKey(Setting.LABELS_FILE.key())
                    ? values.get(Setting.LABELS_FILE.key()) : DEFAULT_LABELS_FILE;
            readLabels(new File(labelsPath), values, origins, problems);
        }
        return new AgentConfig(values, origins, problems);
    }

    private static void parseAgentArgs(String args, Map<String, String> values, Map<String, String> origins,
                                       List<String> problems) {
        if (args == null || args.trim().isEmpty()) {
            return;
        }
        for (String part : args.split(",")) {
            String item = part.trim();
            if (item.isEmpty()) {
                continue;
            }
            int eq = item.indexOf('=');
            if (eq <= 0) {
                problems.add("agent argument '" + item + "' is malformed: expected key=value pairs separated by ','"
                        + " (for example tag=gray,rules=file:/etc/lanes/rules.yaml); ignored" + cutHint(item));
                continue;
            }
            String key = item.substring(0, eq).trim();
            if (!key.startsWith("lanes.")) {
                key = "lanes." + key;
            }
            accept(key, item.substring(eq + 1).trim(), "agent argument " + item.substring(0, eq).trim(),
                    values, origins, problems);
        }
    }

    /**
     * The problems the agent would report for these agent arguments alone, for
     * {@code java -jar lanes-agent.jar attach}, which checks them before it loads the agent.
     */
    public static List<String> agentArgumentProblems(String args) {
        List<String> problems = new ArrayList<String>();
        parseAgentArgs(args, new LinkedHashMap<String, String>(), new LinkedHashMap<String, String>(), problems);
        return problems;
    }

    /**
     * A bare setting name is what the agent receives from {@code jcmd <pid> JVMTI.agent_load jar
     * "tag=gray,..."}: jcmd parses its own arguments and keeps only what comes before the first
     * '=' of an unquoted one. Users meet this when attaching, so the warning names both fixes.
     */
    private static String cutHint(String item) {
        String key = item.startsWith("lanes.") ? item : "lanes." + item;
        if (Setting.forKey(key) == null) {
            return "";
        }
        return ". A setting name without its value is what jcmd JVMTI.agent_load passes when the agent"
                + " arguments are not quoted twice: attach with java -jar lanes-agent.jar attach <pid> "
                + item + "=...,... or quote for jcmd as '\"" + item + "=...,...\"'";
    }

    private static void accept(String key, String value, String origin, Map<String, String> values,
                               Map<String, String> origins, List<String> problems) {
        Setting setting = Setting.forKey(key);
        if (setting == null) {
            problems.add(origin + ": unknown setting '" + key + "'" + suggestion(key) + "; ignored");
            return;
        }
        String error = check(setting, value);
        if (error != null) {
            problems.add(origin + ": " + key + "='" + AgentLog.abbreviate(value, 120) + "' is invalid: expected "
                    + setting.expected() + (error.isEmpty() ? "" : " (" + error + ")") + "; ignored");
            return;
        }
        values.put(key, value);
        origins.put(key, origin);
    }

    /** Returns null when valid, else a detail (possibly empty). */
    static String check(Setting setting, String value) {
        if (value == null) {
            return "";
        }
        switch (setting) {
            case TAG:
                return Tags.isValid(value) ? null : "";
            case APP:
                return value.isEmpty() || value.length() > 255 ? "" : null;
            case ADMIN_PORT:
                try {
                    int port = Integer.parseInt(value);
                    return port >= 0 && port <= 65535 ? null : "out of range";
                } catch (NumberFormatException e) {
                    return "not a number";
                }
            case LOG_LEVEL:
                return AgentLog.parseLevel(value) >= 0 ? null : "";
            case PLUGIN_ENABLED:
                return "true".equalsIgnoreCase(value) || "false".equalsIgnoreCase(value) ? null : "";
            case RULES_STARTUP_WAIT:
                return Durations.parseMillis(value) >= 0 ? null : "";
            default:
                return value.isEmpty() ? "empty" : null;
        }
    }

    private static String suggestion(String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String known : Setting.keys()) {
            int d = distance(key, known);
            if (d < bestDistance) {
                bestDistance = d;
                best = known;
            }
        }
        return best != null && bestDistance <= 3 ? " (did you mean '" + best + "'?)" : "";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** Reads {@code key="value"} lines as written by the Kubernetes downward API. */
    private static void readLabels(File file, Map<String, String> values, Map<String, String> origins,
                                   List<String> problems) {
        if (!file.isFile()) {
            return;
        }
        Map<String, String> labels = new LinkedHashMap<String, String>();
        try {
            for (String line : Files.readAllLines(file.toPath(), StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (eq <= 0) {
                    continue;
                }
                String v = line.substring(eq + 1).trim();
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1);
                }
                labels.put(line.substring(0, eq).trim(), v);
            }
        } catch (IOException e) {
            problems.add("labels file " + file + " cannot be read (" + e + "); ignored");
            return;
        }
        fromLabels(Setting.TAG, TAG_LABELS, labels, file, values, origins, problems);
        fromLabels(Setting.APP, APP_LABELS, labels, file, values, origins, problems);
    }

    private static void fromLabels(Setting setting, String[] keys, Map<String, String> labels, File file,
                                   Map<String, String> values, Map<String, String> origins, List<String> problems) {
        if (values.containsKey(setting.key())) {
            return;
        }
        for (String label : keys) {
            String v = labels.get(label);
            if (v != null) {
                accept(setting.key(), v, "label " + label + " in " + file, values, origins, problems);
                return;
            }
        }
    }

    public String get(Setting setting) {
        return values.get(setting.key());
    }

    /** A setting by full key, such as "lanes.plugin.springcloud.enabled". */
    public String get(String key) {
        return values.get(key);
    }

    public String get(Setting setting, String fallback) {
        String v = values.get(setting.key());
        return v == null ? fallback : v;
    }

    /** Where a setting's value came from, for the admin endpoint and logs. */
    public String origin(String key) {
        return origins.get(key);
    }

    public boolean pluginEnabled(String plugin) {
        String v = values.get(PLUGIN_PREFIX + plugin + PLUGIN_SUFFIX);
        return v == null || Boolean.parseBoolean(v);
    }

    /** Messages about settings that were malformed or unknown, each naming the setting. */
    public List<String> problems() {
        if (lateProblems.isEmpty()) {
            return problems;
        }
        List<String> all = new ArrayList<String>(problems);
        all.addAll(lateProblems);
        return Collections.unmodifiableList(all);
    }

    /**
     * Checks the plugin switches ({@code lanes.plugin.<name>.enabled}) against the plugins there
     * are: a switch that names none (such as {@code dubbo} where the plugins are {@code dubbo27}
     * and {@code dubbo3}) would silently do nothing, so it becomes a setting problem. Returns the
     * new problems.
     */
    public List<String> checkPluginSwitches(List<String> pluginNames) {
        List<String> found = new ArrayList<String>();
        for (String key : values.keySet()) {
            if (key.startsWith(PLUGIN_PREFIX) && key.endsWith(PLUGIN_SUFFIX)
                    && key.length() > PLUGIN_PREFIX.length() + PLUGIN_SUFFIX.length()) {
                String name = key.substring(PLUGIN_PREFIX.length(), key.length() - PLUGIN_SUFFIX.length());
                if (!pluginNames.contains(name)) {
                    String problem = "setting " + key + " (from " + origins.get(key) + ") names no plugin: '" + name
                            + "' is not one of " + pluginNames + "; it is ignored";
                    found.add(problem);
                    lateProblems.add(problem);
                }
            }
        }
        return found;
    }

    /** Every resolved setting, for the admin endpoint. */
    public Map<String, String> values() {
        return values;
    }
}
