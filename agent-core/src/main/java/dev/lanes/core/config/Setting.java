package dev.lanes.core.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The settings Lanes knows, with what each expects: the single list docs and messages use. */
public enum Setting {
    TAG("lanes.tag", "a tag: 1-63 of [A-Za-z0-9._-], starting with a letter or digit"),
    APP("lanes.app", "an application name"),
    RULES("lanes.rules", "a rule source such as file:/etc/lanes/rules.yaml, nacos://127.0.0.1:8848 or zookeeper://127.0.0.1:2181"),
    RULES_STARTUP_WAIT("lanes.rules.startup.wait", "a duration such as 3s (how long start-up waits for the rule source)"),
    RULES_CACHE("lanes.rules.cache", "a file path where the last good rules are kept, or off"),
    ADMIN_PORT("lanes.admin.port", "a TCP port from 0 to 65535 (0 picks a free one)"),
    LOG_LEVEL("lanes.log.level", "one of debug, info, warn, error, off"),
    EXTENSIONS("lanes.extensions", "a jar file or a folder of jar files with extra plugins"),
    LABELS_FILE("lanes.labels.file", "the path of a Kubernetes downward-API labels file"),
    PLUGIN_ENABLED("lanes.plugin.<name>.enabled", "true or false");

    private static final Map<String, Setting> BY_KEY;

    static {
        Map<String, Setting> map = new LinkedHashMap<String, Setting>();
        for (Setting s : values()) {
            map.put(s.key, s);
        }
        BY_KEY = Collections.unmodifiableMap(map);
    }

    private final String key;
    private final String expected;

    Setting(String key, String expected) {
        this.key = key;
        this.expected = expected;
    }

    public String key() {
        return key;
    }

    /** What a valid value looks like, for error messages. */
    public String expected() {
        return expected;
    }

    /** The setting named by a full key, or null; plugin switches map to {@link #PLUGIN_ENABLED}. */
    public static Setting forKey(String key) {
        Setting s = BY_KEY.get(key);
        if (s == null && key.startsWith("lanes.plugin.") && key.endsWith(".enabled")
                && key.length() > "lanes.plugin..enabled".length()) {
            return PLUGIN_ENABLED;
        }
        return s;
    }

    /** Every fixed key, for suggestions. */
    public static Iterable<String> keys() {
        return BY_KEY.keySet();
    }
}
