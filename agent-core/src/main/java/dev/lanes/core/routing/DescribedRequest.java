package dev.lanes.core.routing;

import dev.lanes.bridge.RequestView;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A request given by its attributes rather than by a framework: what {@code rules explain} and
 * the admin endpoint's {@code /lanes/explain} ask the engine about.
 */
public final class DescribedRequest implements RequestView {

    /** Header names are case-insensitive, as on the wire. */
    public final Map<String, String> headers = new TreeMap<String, String>(String.CASE_INSENSITIVE_ORDER);
    public final Map<String, String> cookies = new HashMap<String, String>();
    public final Map<String, String> query = new HashMap<String, String>();
    public final Map<Integer, String> args = new HashMap<Integer, String>();
    public String path;
    public String method;

    @Override
    public String header(String name) {
        return headers.get(name);
    }

    @Override
    public String cookie(String name) {
        return cookies.get(name);
    }

    @Override
    public String query(String name) {
        return query.get(name);
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public Object argument(int index) {
        return args.get(index);
    }
}
