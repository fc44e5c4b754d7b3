package dev.lanes.bridge;

/**
 * The attributes of a request that rules may match: for HTTP the headers, cookies, query
 * parameters, path and method; for Dubbo the method name and arguments. Every accessor
 * returns null when the attribute is absent or the protocol has no such thing.
 */
public interface RequestView extends CarriedHeaders.Source {

    /** A view of a request that has no attributes at all. */
    RequestView EMPTY = new RequestView() {
        @Override
        public String header(String name) {
            return null;
        }

        @Override
        public String cookie(String name) {
            return null;
        }

        @Override
        public String query(String name) {
            return null;
        }

        @Override
        public String path() {
            return null;
        }

        @Override
        public String method() {
            return null;
        }

        @Override
        public Object argument(int index) {
            return null;
        }
    };

    /** First value of a header, matched without regard to case. */
    @Override
    String header(String name);

    String cookie(String name);

    /** First value of a query parameter. */
    String query(String name);

    /** The request path (HTTP) or null. */
    String path();

    /** The HTTP method, or the Dubbo method name. */
    String method();

    /** The Dubbo call argument at {@code index}, or null. */
    Object argument(int index);

    /**
     * The address of the direct peer (the TCP connection's remote address, such as
     * {@code 10.0.8.12} or {@code ::1}), for the trust boundary at an entry; null when unknown.
     */
    default String remoteAddress() {
        return null;
    }

    /**
     * Where the request's server span starts only after Lanes decided its lane (a Dubbo provider
     * chain: Lanes' filter runs before OpenTelemetry's): keeps the decision on the request, for
     * the plugin to hand to {@link Routing#laneOnServerSpan} once that span is current, and
     * returns true. Called only where OpenTelemetry is there, once per tagged request. False (the
     * default): the span current when Lanes decides is the request's server span.
     *
     * @param tag    the decided traffic tag (not null)
     * @param dyedBy how it was decided: {@code carried}, {@code rule} or {@code node}
     */
    default boolean laneForLaterSpan(String tag, String dyedBy) {
        return false;
    }
}
