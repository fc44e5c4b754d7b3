package dev.lanes.core.routing;

import dev.lanes.bridge.RequestView;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A request given by its attributes rather than by a framework: what {@code rules explain} and
 * the admin endpoint's {@code /lanes/explain} ask the engine about (and what tests route).
 */
public final class DescribedRequest implements RequestView {

    /** Header names are case-insensitive, as on the wire. */
    private final Map<String, String> headers = new TreeMap<String, String>(String.CASE_INSENSITIVE_ORDER);
    private final Map<String, String> cookies = new HashMap<String, String>();
    private final Map<String, String> query = new HashMap<String, String>();
    private final Map<Integer, Object> args = new HashMap<Integer, Object>();
    private String path;
    private String method;
    private String remoteAddress;

    public static DescribedRequest of() {
        return new DescribedRequest();
    }

    public DescribedRequest header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public DescribedRequest cookie(String name, String value) {
        cookies.put(name, value);
        return this;
    }

    public DescribedRequest query(String name, String value) {
        query.put(name, value);
        return this;
    }

    public DescribedRequest path(String value) {
        path = value;
        return this;
    }

    public DescribedRequest method(String value) {
        method = value;
        return this;
    }

    /** The address of the peer the request came from (an entry's trust check reads it). */
    public DescribedRequest remoteAddress(String value) {
        remoteAddress = value;
        return this;
    }

    /** Argument {@code index} of a Dubbo call. */
    public DescribedRequest arg(int index, Object value) {
        args.put(index, value);
        return this;
    }

    /** The arguments of a Dubbo call, from the first. */
    public DescribedRequest args(Object... values) {
        for (int i = 0; i < values.length; i++) {
            args.put(i, values[i]);
        }
        return this;
    }

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

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }
}
