package example.app;

import com.sun.net.httpserver.HttpServer;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A plain application for agent tests: it answers {@code /hello} through {@link Greeter} and
 * {@code /libraries} with the versions of Byte Buddy and SnakeYAML it carries itself (when on
 * its class path), after using them. Prints "READY <port>" once it serves.
 */
public final class HelloApp {

    public static void main(String[] args) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/hello", exchange -> {
            String body = new Greeter().greet("lanes");
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.createContext("/libraries", exchange -> {
            String body;
            try {
                body = Libraries.describe();
            } catch (Throwable t) {
                body = "error: " + t;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        System.out.println("READY " + server.getAddress().getPort());
        System.out.flush();
        Thread.currentThread().join();
    }
}
