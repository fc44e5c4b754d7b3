package dev.lanes.bridge;

/**
 * The values of the headers that the rules list under {@code propagate}, as one request carries
 * them down the call chain next to its traffic tag. Immutable; names are lower case. Which names
 * are carried is set by the agent core whenever rules are applied, so every adapter reads them
 * from here without asking the engine.
 */
public final class CarriedHeaders {

    /** The most headers the rules may list, in one document and in force. */
    public static final int MAX_NAMES = 16;
    /** The longest value carried, in characters; a longer one is not carried. */
    public static final int MAX_VALUE_LENGTH = 256;
    /** W3C baggage members that carry a header's value are named this prefix plus the header name. */
    public static final String BAGGAGE_PREFIX = "lanes.h.";

    private static final String[] NONE = new String[0];

    private static volatile String[] names = NONE;

    /** Where a request's header values are read from; {@link RequestView} is one. */
    public interface Source {
        /** First value of a header, matched without regard to case; null when absent. */
        String header(String name);
    }

    private final String[] keys;
    private final String[] values;

    private CarriedHeaders(String[] keys, String[] values) {
        this.keys = keys;
        this.values = values;
    }

    /** The names in force (lower case); an empty array when the rules list none. Never modify it. */
    public static String[] names() {
        return names;
    }

    /** Sets the names in force; called by the core when rules are applied. */
    public static void propagate(String[] lowerCaseNames) {
        names = lowerCaseNames == null || lowerCaseNames.length == 0 ? NONE : lowerCaseNames.clone();
    }

    /**
     * The carried headers a request brings, read from {@code source} for every name in force;
     * null when the rules list none or the request has none of them. Values that are too long or
     * hold control characters are left out, with one warning per header name.
     */
    public static CarriedHeaders read(Source source) {
        String[] wanted = names;
        if (wanted.length == 0 || source == null) {
            return null;
        }
        String[] foundValues = null;
        int count = 0;
        for (int i = 0; i < wanted.length; i++) {
            String value = source.header(wanted[i]);
            if (value == null || !acceptable(wanted[i], value)) {
                continue;
            }
            if (foundValues == null) {
                foundValues = new String[wanted.length];
            }
            foundValues[i] = value;
            count++;
        }
        if (count == 0) {
            return null;
        }
        String[] k = new String[count];
        String[] v = new String[count];
        int j = 0;
        for (int i = 0; i < wanted.length; i++) {
            if (foundValues[i] != null) {
                k[j] = wanted[i];
                v[j] = foundValues[i];
                j++;
            }
        }
        return new CarriedHeaders(k, v);
    }

    /** Headers from name and value pairs already checked, for tests and tools. */
    public static CarriedHeaders of(String... namesAndValues) {
        int n = namesAndValues.length / 2;
        String[] k = new String[n];
        String[] v = new String[n];
        for (int i = 0; i < n; i++) {
            k[i] = namesAndValues[2 * i].toLowerCase(java.util.Locale.ROOT);
            v[i] = namesAndValues[2 * i + 1];
        }
        return new CarriedHeaders(k, v);
    }

    /** Whether a value may travel: short enough and free of control characters (header injection). */
    static boolean acceptable(String name, String value) {
        boolean ok = value.length() <= MAX_VALUE_LENGTH;
        for (int i = 0; ok && i < value.length(); i++) {
            char c = value.charAt(i);
            ok = c >= 0x20 && c != 0x7f || c == '\t';
        }
        if (!ok) {
            // Once per header name, so a noisy client cannot flood the log.
            AgentLog.warnOnce("carried-header:" + name, "carried header '" + name + "' not carried: a value"
                    + " longer than " + MAX_VALUE_LENGTH + " characters or with control characters (said once"
                    + " per header)");
        }
        return ok;
    }

    public int size() {
        return keys.length;
    }

    /** The lower-case name of the {@code i}th header. */
    public String name(int i) {
        return keys[i];
    }

    public String value(int i) {
        return values[i];
    }

    /** The value carried for {@code name} (any case), or null. */
    public String get(String name) {
        if (name == null) {
            return null;
        }
        for (int i = 0; i < keys.length; i++) {
            if (keys[i].equalsIgnoreCase(name)) {
                return values[i];
            }
        }
        return null;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < keys.length; i++) {
            b.append(i == 0 ? "" : ", ").append(keys[i]).append('=').append(values[i]);
        }
        return b.append('}').toString();
    }
}
