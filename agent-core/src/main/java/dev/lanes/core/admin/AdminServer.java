package dev.lanes.core.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.AgentLog;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

/**
 * The agent's admin endpoint, off unless {@code lanes.admin.port} is set, and bound to the
 * loopback address only: {@code GET /lanes} answers with the agent's state as JSON.
 */
public final class AdminServer {

    /** Produces the state document; called per request. */
    public interface StateSource {
        Map<String, Object> state();
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
            server.start();
            AgentLog.info("admin endpoint listening on http://127.0.0.1:" + server.getAddress().getPort() + "/lanes");
            return new AdminServer(server);
        } catch (Throwable t) {
            AgentLog.error("admin endpoint could not start on 127.0.0.1:" + port + " (lanes.admin.port); "
                    + "the agent runs without it", t);
            return null;
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
            } else if (!"/lanes".equals(path) && !"/lanes/".equals(path)) {
                respond(exchange, 404, "{\"error\": \"not found; try GET /lanes\"}");
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

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        OutputStream out = exchange.getResponseBody();
        out.write(bytes);
        out.close();
    }
}
