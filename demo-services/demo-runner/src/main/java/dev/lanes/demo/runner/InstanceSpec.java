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

    private static final Pattern SHORT_NAME = Pattern.compile("([abcd])-([a-z0-9][a-z0-9-]*)");
    /** Application argument that makes an instance a provider of the demo's Dubbo service. */
    public static final String DUBBO_PROVIDER_ARG = "--demo.dubbo.provide=true";

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
        Matcher m = parse(shortName);
        char letter = m.group(1).charAt(0);
        if (letter == 'd') {
            throw new IllegalArgumentException("instance: '" + shortName
                    + "' is a Dubbo provider; expected <a|b|c>-<base|tag> here, or use ofDubboChain");
        }
        String service = "service-" + letter;
        String next = letter == 'c' ? "" : "service-" + (char) (letter + 1);
        return new InstanceSpec(shortName, service, next, tag(m), List.of(), List.of());
    }

    /**
     * The shorthand of the chain with a Dubbo hop, A -> B => D -> C: service-b calls service-d
     * over Dubbo ({@code demo.next=dubbo:service-d}), service-d provides the Dubbo service and
     * calls service-c over HTTP. "d-gray" is a gray provider of service-d.
     */
    public static InstanceSpec ofDubboChain(String shortName) {
        Matcher m = parse(shortName);
        String tag = tag(m);
        return switch (m.group(1).charAt(0)) {
            case 'a' -> new InstanceSpec(shortName, "service-a", "service-b", tag, List.of(), List.of());
            case 'b' -> new InstanceSpec(shortName, "service-b", DUBBO_NEXT_PREFIX + "service-d", tag, List.of(),
                    List.of());
            case 'd' -> new InstanceSpec(shortName, "service-d", "service-c", tag, List.of(),
                    List.of(DUBBO_PROVIDER_ARG));
            default -> new InstanceSpec(shortName, "service-c", "", tag, List.of(), List.of());
        };
    }

    /** {@code next} prefix of a next hop called over Dubbo. */
    public static final String DUBBO_NEXT_PREFIX = "dubbo:";

    /** Whether this instance provides the demo's Dubbo service. */
    public boolean isDubboProvider() {
        return appArgs.contains(DUBBO_PROVIDER_ARG);
    }

    /** The service this instance calls, without a protocol prefix ("service-d" for "dubbo:service-d"). */
    public String nextService() {
        return next.startsWith(DUBBO_NEXT_PREFIX) ? next.substring(DUBBO_NEXT_PREFIX.length()) : next;
    }

    private static Matcher parse(String shortName) {
        Matcher m = SHORT_NAME.matcher(shortName);
        if (!m.matches()) {
            throw new IllegalArgumentException("instance: '" + shortName
                    + "' is not a demo instance name; expected <a|b|c|d>-<base|tag>, e.g. a-base or c-gray");
        }
        return m;
    }

    private static String tag(Matcher m) {
        return "base".equals(m.group(2)) ? null : m.group(2);
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
