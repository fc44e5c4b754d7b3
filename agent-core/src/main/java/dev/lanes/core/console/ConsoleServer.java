package dev.lanes.core.console;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ExecutorService;

/**
 * The console's HTTP side, read-only: {@code GET /} the page (one self-contained resource of the
 * jar), {@code GET /api/state} the state it renders. With a token, every request must carry it
 * ({@code Authorization: Bearer TOKEN}, or {@code ?token=TOKEN} for the page itself).
 */
final class ConsoleServer {

    static final String PAGE = "console.html";

    private final HttpServer server;

    private ConsoleServer(HttpServer server) {
        this.server = server;
    }

    /**
     * @param token null when none is required
     * @throws IOException when the address cannot be bound
     */
    static ConsoleServer start(InetSocketAddress address, final String token, final ClusterPoll poll,
                               ExecutorService executor) throws IOException {
        final byte[] page = page();
        final byte[] expected = token == null ? null : sha256(token);
        HttpServer server = HttpServer.create(address, 16);
        server.createContext("/", new HttpHandler() {
            @Override
            public void handle(HttpExchange exchange) throws IOException {
                try {
                    String path = exchange.getRequestURI().getPath();
                    if (expected != null && !authorized(exchange, expected)) {
                        respond(exchange, 401, "text/plain; charset=utf-8", ("this console needs its token: open "
                                + "/?token=TOKEN, or send Authorization: Bearer TOKEN").getBytes(StandardCharsets.UTF_8));
                    } else if (!"GET".equals(exchange.getRequestMethod())) {
                        respond(exchange, 405, "text/plain; charset=utf-8", bytes("only GET: the console is read-only"));
                    } else if ("/".equals(path) || "/index.html".equals(path)) {
                        respond(exchange, 200, "text/html; charset=utf-8", page);
                    } else if ("/api/state".equals(path)) {
                        respond(exchange, 200, "application/json; charset=utf-8", bytes(poll.stateJson()));
                    } else {
                        respond(exchange, 404, "text/plain; charset=utf-8", bytes("not found; try GET / or /api/state"));
                    }
                } finally {
                    exchange.close();
                }
            }
        });
        server.setExecutor(executor);
        server.start();
        return new ConsoleServer(server);
    }

    int port() {
        return server.getAddress().getPort();
    }

    void stop() {
        server.stop(0);
    }

    /** Compares digests with MessageDigest.isEqual: the time taken tells nothing of the token. */
    static boolean authorized(HttpExchange exchange, byte[] expectedDigest) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        String given = header != null && header.startsWith("Bearer ") ? header.substring("Bearer ".length()).trim()
                : queryToken(exchange.getRequestURI().getRawQuery());
        return given != null && MessageDigest.isEqual(sha256(given), expectedDigest);
    }

    private static String queryToken(String query) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith("token=")) {
                return pair.substring("token=".length());
            }
        }
        return null;
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] page() throws IOException {
        InputStream in = ConsoleServer.class.getResourceAsStream(PAGE);
        if (in == null) {
            throw new IOException("the console page " + PAGE + " is missing from the jar");
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } finally {
            in.close();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void respond(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length);
        OutputStream out = exchange.getResponseBody();
        out.write(body);
        out.close();
    }
}
