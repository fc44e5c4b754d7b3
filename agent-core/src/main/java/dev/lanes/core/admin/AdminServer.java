package dev.lanes.core.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.AgentLog;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UnsupportedEncodingException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

/**
 * The agent's admin endpoint, off unless {@code lanes.admin.port} is set, and bound to the
 * loopback address only: {@code GET /lanes} answers with the agent's state as JSON, and
 * {@code GET /lanes/explain?service=...} with the engine's decision for a described request,
 * {@code GET /lanes/metrics} with the counters in the Prometheus text format, and
 * {@code GET /lanes/ready} with 200 or 503 for a readiness probe.
 */
public final class AdminServer {

    /** Produces the state document; called per request. */
    public interface StateSource {
        Map<String, Object> state();

        /**
         * The engine's decision for the request the query parameters describe (see
         * docs/operations.md), or null when the endpoint cannot explain.
         *
         * @throws IllegalArgumentException for a parameter it cannot read, with what was expected
         */
        default Map<String, Object> explain(Map<String, String> parameters) {
            return null;
        }

        /** Whether this instance is registered and not stopping, for {@code GET /lanes/ready}. */
        default boolean ready() {
            return false;
        }

        /** This instance's lifecycle phase and why it is not ready; null when unknown. */
        default Map<String, Object> lifecycle() {
            return null;
        }

        /** The metrics in the Prometheus text format (version 0.0.4), or null when there are none. */
        default String prometheus() {
            return null;
        }
    }

    private final HttpServer server;

    private AdminServer(HttpServer server) {
        this.server = server;
    }

    /** Starts the endpoint, or returns null (logged) when the port cannot be bound. */
    public static AdminServer start(int port, final StateSource source) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
            server.createContext("/lanes", new HttpHandler() {
                @Override
                public void handle(HttpExchange exchange) throws IOException {
                    serve(exchange, source);
                }
            });
            server.setExecutor(Executors.newSingleThreadExecutor(new ThreadFactory() {
                @Override
                public Thread newThread(Runnable r) {
                    Thread t = new Thread(r, "lanes-admin");
                    t.setDaemon(true);
                    return t;
                }
            }));
            startAsDaemon(server);
            AgentLog.info("admin endpoint listening on http://127.0.0.1:" + server.getAddress().getPort() + "/lanes");
            return new AdminServer(server);
        } catch (Throwable t) {
            AgentLog.error("admin endpoint could not start on 127.0.0.1:" + port + " (lanes.admin.port); "
                    + "the agent runs without it", t);
            return null;
        }
    }

    /**
     * Starts {@code server} from a daemon thread: its dispatcher thread takes the daemon status of
     * the thread that starts it, and a dispatcher started from the JVM's main thread would keep
     * an application whose last thread ended from exiting.
     */
    public static void startAsDaemon(final HttpServer server) throws Throwable {
        final Throwable[] failure = new Throwable[1];
        Thread starter = new Thread(new Runnable() {
            @Override
            public void run() {
                try {
                    server.start();
                } catch (Throwable t) {
                    failure[0] = t;
                }
            }
        }, "lanes-http-start");
        starter.setDaemon(true);
        starter.start();
        starter.join();
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public void stop() {
        server.stop(0);
    }

    private static void serve(HttpExchange exchange, StateSource source) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            if (!"GET".equals(exchange.getRequestMethod())) {
                respond(exchange, 405, "{\"error\": \"only GET is supported\"}");
            } else if ("/lanes/explain".equals(path)) {
                explain(exchange, source);
            } else if ("/lanes/metrics".equals(path)) {
                String page = source.prometheus();
                if (page == null) {
                    respond(exchange, 404, "{\"error\": \"this agent has no metrics\"}");
                } else {
                    respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", page);
                }
            } else if ("/lanes/ready".equals(path)) {
                Map<String, Object> lifecycle = source.lifecycle();
                respond(exchange, source.ready() ? 200 : 503, Json.write(lifecycle == null
                        ? java.util.Collections.<String, Object>singletonMap("ready", false) : lifecycle));
            } else if (!"/lanes".equals(path) && !"/lanes/".equals(path)) {
                respond(exchange, 404, "{\"error\": \"not found; try GET /lanes, /lanes/ready, /lanes/metrics or "
                        + "/lanes/explain?service=NAME\"}");
            } else {
                respond(exchange, 200, Json.write(source.state()));
            }
        } catch (Throwable t) {
            AgentFaults.report("admin:serve", t);
            respond(exchange, 500, "{\"error\": \"internal error, see the agent log\"}");
        } finally {
            exchange.close();
        }
    }

    private static void explain(HttpExchange exchange, StateSource source) throws IOException {
        Map<String, Object> answer;
        try {
            answer = source.explain(parameters(exchange.getRequestURI().getRawQuery()));
        } catch (IllegalArgumentException e) {
            respond(exchange, 400, Json.write(java.util.Collections.singletonMap("error", e.getMessage())));
            return;
        }
        if (answer == null) {
            respond(exchange, 404, "{\"error\": \"this agent cannot explain decisions\"}");
        } else {
            respond(exchange, 200, Json.write(answer));
        }
    }

    /** The query's parameters, decoded; a name given twice keeps its last value. */
    static Map<String, String> parameters(String rawQuery) {
        Map<String, String> out = new java.util.LinkedHashMap<String, String>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), "UTF-8");
                out.put(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), "UTF-8"));
            } catch (UnsupportedEncodingException | IllegalArgumentException e) {
                throw new IllegalArgumentException("malformed query parameter '" + pair + "': " + e.getMessage());
            }
        }
        return out;
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        respond(exchange, status, "application/json; charset=utf-8", body);
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        OutputStream out = exchange.getResponseBody();
        out.write(bytes);
        out.close();
    }
}
