package dev.lanes.core.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.core.admin.AdminServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The console against a real admin endpoint, over HTTP: state, unreachable agents, the token. */
class ConsoleTest {

    private static final String TOKEN = "0123456789abcdef-token";
    private final HttpClient http = HttpClient.newHttpClient();
    private AdminServer agent;
    private Console console;

    @AfterEach
    void stop() {
        if (console != null) {
            console.close();
        }
        if (agent != null) {
            agent.stop();
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private HttpResponse<String> get(String url, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void start(String token, List<String> agents) throws IOException {
        console = Console.start(agents, null, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), token, 200L,
                getClass().getClassLoader());
    }

    private void startAgent() {
        agent = AdminServer.start(0, new AdminServer.StateSource() {
            @Override
            public Map<String, Object> state() {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("application", "service-a");
                doc.put("instanceTag", "gray");
                doc.put("calledServices", Map.of("service-b", List.of(Map.of("address", "127.0.0.1:8081",
                        "tag", "base"))));
                return doc;
            }

            @Override
            public String prometheus() {
                return "lanes_calls_total{service=\"service-b\",lane=\"gray\",instance_tag=\"base\",result=\"success\"} 1\n";
            }
        });
    }

    @Test
    void servesThePageAndTheStateOfEveryAgentWithUnreachableOnesMarked() throws Exception {
        startAgent();
        int down = closedPort();
        start(null, List.of("127.0.0.1:" + agent.port(), "127.0.0.1:" + down));

        HttpResponse<String> page = get(console.url(), null);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("id=\"graph\""), "the page");

        String state = awaitState("\"service-a->service-b\"");
        assertTrue(state.contains("\"reachable\": false"), state);
        assertTrue(state.contains("\"error\": \"connection refused\""), state);
        assertTrue(state.contains("\"target\": \"127.0.0.1:" + down + "\""), state);
    }

    @Test
    void withATokenEveryRequestMustCarryIt() throws Exception {
        startAgent();
        start(TOKEN, List.of("127.0.0.1:" + agent.port()));

        assertEquals(401, get(console.url(), null).statusCode());
        assertEquals(401, get(console.url() + "api/state", "wrong-token-0123456789").statusCode());
        assertEquals(200, get(console.url() + "?token=" + TOKEN, null).statusCode());
        assertEquals(200, get(console.url() + "api/state", TOKEN).statusCode());
    }

    private String awaitState(String expected) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        String body;
        do {
            body = get(console.url() + "api/state", null).body();
            if (body.contains(expected)) {
                return body;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("the state never showed " + expected + ": " + body);
    }
}
