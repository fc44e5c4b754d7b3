package dev.lanes.demo.runner;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One demo instance to start: its display name ("a-gray"), service, next service (empty for
 * the last), instance tag (null for base) and extra JVM and application arguments.
 */
public record InstanceSpec(String name, String service, String next, String tag,
        List<String> jvmArgs, List<String> appArgs) {

    private static final Pattern SHORT_NAME = Pattern.compile("([abc])-([a-z0-9][a-z0-9-]*)");

    public InstanceSpec {
        requireText("name", name);
        requireText("service", service);
        next = next == null ? "" : next;
        if (tag != null && tag.isBlank()) {
            tag = null;
        }
        jvmArgs = List.copyOf(jvmArgs);
        appArgs = List.copyOf(appArgs);
    }

    /**
     * The demo chain's shorthand: "a-base", "b-gray", "c-dev1": the letter picks service-a,
     * -b or -c (calling the next letter, service-c calling nothing), the rest is the tag,
     * "base" meaning none.
     */
    public static InstanceSpec of(String shortName) {
        Matcher m = SHORT_NAME.matcher(shortName);
        if (!m.matches()) {
            throw new IllegalArgumentException("instance: '" + shortName
                    + "' is not a demo instance name; expected <a|b|c>-<base|tag>, e.g. a-base or c-gray");
        }
        char letter = m.group(1).charAt(0);
        String service = "service-" + letter;
        String next = letter == 'c' ? "" : "service-" + (char) (letter + 1);
        String tag = "base".equals(m.group(2)) ? null : m.group(2);
        return new InstanceSpec(shortName, service, next, tag, List.of(), List.of());
    }

    /** The same instance with more JVM arguments (system properties, agent settings). */
    public InstanceSpec withJvmArgs(String... more) {
        List<String> all = new ArrayList<>(jvmArgs);
        all.addAll(List.of(more));
        return new InstanceSpec(name, service, next, tag, all, appArgs);
    }

    /** The same instance with more application arguments ({@code --key=value}). */
    public InstanceSpec withAppArgs(String... more) {
        List<String> all = new ArrayList<>(appArgs);
        all.addAll(List.of(more));
        return new InstanceSpec(name, service, next, tag, jvmArgs, all);
    }

    public InstanceSpec withNext(String nextService) {
        return new InstanceSpec(name, service, nextService, tag, jvmArgs, appArgs);
    }

    public InstanceSpec withTag(String instanceTag) {
        return new InstanceSpec(name, service, next, instanceTag, jvmArgs, appArgs);
    }

    private static void requireText(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + ": '" + value + "' is empty; expected a non-blank name");
        }
    }
}
