package dev.lanes.plugin.springcloud.web.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanes.bridge.CarriedHeaders;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * The carried-header checks both servlet containers run: a server whose filter answers, in the
 * header {@code x-filter-env}, the {@code x-env} it finds carried on its thread ("none" without).
 */
final class CarriedHeaderChecks {

    /** Checks that the container thread has what it had before, once a request is done. */
    interface ThreadCheck {
        void run() throws Exception;
    }

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private CarriedHeaderChecks() {
    }

    /** Read from the header, else the baggage; gone with the request; only while the rules name it. */
    static void run(int port, String path, ThreadCheck restored) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + port + path);
        CarriedHeaders.propagate(new String[] {"x-env"});
        try {
            assertEquals("dev1", carriedEnv(HttpRequest.newBuilder(uri).header("X-Env", "dev1")));
            restored.run();
            assertEquals("dev 1", carriedEnv(HttpRequest.newBuilder(uri)
                    .header("baggage", "userId=7,lanes.h.x-env=dev%201")));
            restored.run();
            assertEquals("none", carriedEnv(HttpRequest.newBuilder(uri)),
                    "a request without the header carries nothing, whatever the thread served before");
            restored.run();
        } finally {
            CarriedHeaders.propagate(null);
        }
        assertEquals("none", carriedEnv(HttpRequest.newBuilder(uri).header("x-env", "dev1")),
                "headers the rules do not name are not carried");
        restored.run();
    }

    private static String carriedEnv(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.headers().firstValue("x-filter-env").orElse(null);
    }
}
