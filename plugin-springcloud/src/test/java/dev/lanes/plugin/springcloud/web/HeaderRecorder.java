package dev.lanes.plugin.springcloud.web;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A downstream service on 127.0.0.1 (the JDK's HTTP server) that records the headers of every
 * request it receives, so a test can assert what went over the wire.
 */
public final class HeaderRecorder implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private final BlockingQueue<Headers> received = new LinkedBlockingQueue<>();

    public HeaderRecorder() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                body.readAllBytes();
            }
            received.add(exchange.getRequestHeaders());
            byte[] answer = "ok".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.setExecutor(executor);
        server.start();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The headers of the next request received (waits for it). */
    public Headers next() throws InterruptedException {
        Headers headers = received.poll(30, TimeUnit.SECONDS);
        if (headers == null) {
            throw new AssertionError("the downstream received no request");
        }
        return headers;
    }

    /** All values of a header in one request, joined with "|", or null when absent. */
    public static String values(Headers headers, String name) {
        List<String> values = headers.get(name);
        return values == null ? null : String.join("|", values);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
