package dev.lanes.rules.center;

import java.io.UnsupportedEncodingException;
import java.net.URLDecoder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The location of a rule center as written after its scheme: {@code //host:port[,host:port...][/path][?k=v&...]}.
 * Parameters are checked against the ones a source knows, so that a typo is an error that names it.
 */
public final class CenterLocation {

    private static final Pattern FORM = Pattern.compile("//([^/?#]+)([^?#]*)(?:\\?([^#]*))?");
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+)(?::([0-9]{1,5}))?");

    private final String hosts;
    private final String path;
    private final Map<String, String> parameters;

    private CenterLocation(String hosts, String path, Map<String, String> parameters) {
        this.hosts = hosts;
        this.path = path;
        this.parameters = parameters;
    }

    /**
     * @param scheme      for messages, such as "nacos"
     * @param location    the setting's value after "scheme:"
     * @param defaultPort added to hosts given without a port
     * @param known       the parameter names accepted
     * @throws IllegalArgumentException naming what is wrong and what was expected
     */
    public static CenterLocation parse(String scheme, String location, int defaultPort, String example,
                                       String... known) {
        String value = location == null ? "" : location.trim();
        Matcher m = FORM.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException(scheme + ":" + value + " is not a " + scheme
                    + " location; expected " + example);
        }
        StringBuilder hosts = new StringBuilder();
        for (String part : m.group(1).split(",", -1)) {
            String hp = part.trim();
            int at = hp.lastIndexOf('@');
            if (at >= 0) {
                throw new IllegalArgumentException(scheme + ": '" + hp.substring(0, at).replaceAll(":.*", ":***")
                        + "@' in the host list is not supported; give username and password as parameters, as in "
                        + example);
            }
            Matcher h = HOST_PORT.matcher(hp);
            if (!h.matches()) {
                throw new IllegalArgumentException(scheme + ": '" + hp + "' is not a host or host:port; expected "
                        + example);
            }
            int port = h.group(2) == null ? defaultPort : Integer.parseInt(h.group(2));
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(scheme + ": port " + port + " of '" + hp
                        + "' is out of range; expected 1 to 65535");
            }
            if (hosts.length() > 0) {
                hosts.append(',');
            }
            hosts.append(h.group(1)).append(':').append(port);
        }
        Map<String, String> parameters = new LinkedHashMap<String, String>();
        List<String> names = Arrays.asList(known);
        if (m.group(3) != null && !m.group(3).isEmpty()) {
            for (String pair : m.group(3).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
                if (!names.contains(name)) {
                    throw new IllegalArgumentException(scheme + ": unknown parameter '" + name + "'; expected "
                            + (names.isEmpty() ? "none" : "one of " + String.join(", ", names)));
                }
                if (parameters.containsKey(name)) {
                    throw new IllegalArgumentException(scheme + ": parameter '" + name + "' is given twice");
                }
                parameters.put(name, v);
            }
        }
        return new CenterLocation(hosts.toString(), decode(m.group(2)), parameters);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), "UTF-8");
        } catch (UnsupportedEncodingException | IllegalArgumentException e) {
            return s;
        }
    }

    /** The hosts as "host:port,host:port". */
    public String hosts() {
        return hosts;
    }

    /** The path after the hosts ("" when none). */
    public String path() {
        return path;
    }

    /** A parameter's value ("" when given empty), or null when absent. */
    public String get(String name) {
        return parameters.get(name);
    }

    public String get(String name, String fallback) {
        String v = parameters.get(name);
        return v == null ? fallback : v;
    }

    /** A parameter that is a whole number of milliseconds (or a duration such as 3s), within limits. */
    public long millis(String name, long fallback, long min, long max) {
        String v = parameters.get(name);
        if (v == null) {
            return fallback;
        }
        long value = dev.lanes.core.config.Durations.parseMillis(v);
        if (value < min || value > max) {
            throw new IllegalArgumentException("parameter " + name + "=" + v + " is invalid; expected a duration from "
                    + min + " ms to " + max + " ms, such as 3000 or 3s");
        }
        return value;
    }
}
