package dev.lanes.core.rules;

import dev.lanes.bridge.RequestView;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** A request built in a test: headers (case-insensitive), cookies, query, path, method, arguments. */
final class TestRequest implements RequestView {

    private final Map<String, String> headers = new HashMap<>();
    private final Map<String, String> cookies = new HashMap<>();
    private final Map<String, String> query = new HashMap<>();
    private final Map<Integer, Object> args = new HashMap<>();
    private String path;
    private String method;

    TestRequest header(String name, String value) {
        headers.put(name.toLowerCase(Locale.ROOT), value);
        return this;
    }

    TestRequest cookie(String name, String value) {
        cookies.put(name, value);
        return this;
    }

    TestRequest query(String name, String value) {
        query.put(name, value);
        return this;
    }

    TestRequest path(String value) {
        path = value;
        return this;
    }

    TestRequest method(String value) {
        method = value;
        return this;
    }

    TestRequest arg(int index, Object value) {
        args.put(index, value);
        return this;
    }

    @Override
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
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
