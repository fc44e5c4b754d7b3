package dev.lanes.core.plugins.tagloss;

import com.sun.net.httpserver.HttpServer;
import dev.lanes.bridge.TagLoss;
import dev.lanes.bridge.TrafficContext;
import dev.lanes.testing.InstrumentationHarness;
import example.shop.LeakyService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The tag-loss plugin installed into this JVM over the JDK's real HttpURLConnection and a real HTTP
 * server on loopback: a tagged request's call without its tag is counted at the application's
 * call site; a call that carries the tag, and untagged traffic, are not.
 */
class TagLossInstrumentationTest {

    private static HttpServer server;
    private static URI uri;

    @BeforeAll
    static void install() throws Exception {
        InstrumentationHarness.Installed installed = InstrumentationHarness.install(new TagLossPlugin());
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/stock");
        // Loaded by now (and its connection to the server kept alive for the calls below).
        LeakyService.urlConnection(uri, "warm-up");
        LeakyService.jdkClient(uri, "warm-up");
        installed.assertTransformed("sun.net.www.protocol.http.HttpURLConnection");
        installed.assertTransformed("jdk.internal.net.http.HttpClientImpl");
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    @AfterEach
    void detach() {
        TrafficContext.restore(null);
    }

    private static Map<String, Long> sites() {
        return new HashMap<>(TagLoss.bySite());
    }

    private static long added(Map<String, Long> before, String via, String method) {
        long total = 0;
        for (Map.Entry<String, Long> e : TagLoss.bySite().entrySet()) {
            if (e.getKey().startsWith(via + " example.shop.LeakyService." + method)) {
                total += e.getValue() - before.getOrDefault(e.getKey(), 0L);
            }
        }
        return total;
    }

    @Test
    void aTaggedCallWithoutTheTagIsCountedAtItsCallSite() throws Exception {
        Map<String, Long> before = sites();
        TrafficContext.attach("gray");
        assertEquals(200, LeakyService.urlConnection(uri, null));
        assertEquals(200, LeakyService.urlConnection(uri, null));

        assertEquals(200, LeakyService.jdkClient(uri, null));
        assertEquals(2, added(before, "java.net.HttpURLConnection", "urlConnection"), "one per request");
        assertEquals(1, added(before, "java.net.http.HttpClient", "jdkClient"));
    }

    @Test
    void aCallThatCarriesTheTagOrCarriesNoLaneIsNotALoss() throws Exception {
        Map<String, Long> before = sites();
        TrafficContext.attach("gray");
        LeakyService.urlConnection(uri, "gray");
        LeakyService.jdkClient(uri, "gray");
        TrafficContext.restore(null);
        LeakyService.urlConnection(uri, null);
        LeakyService.jdkClient(uri, null);

        assertEquals(0, added(before, "java.net.HttpURLConnection", "urlConnection"));
        assertEquals(0, added(before, "java.net.http.HttpClient", "jdkClient"));
    }

    @Test
    void aThreadTheApplicationStartsDuringATaggedRequestLosesTheLane() throws Exception {
        Map<String, Long> before = sites();
        TrafficContext.attach("gray");
        assertNull(LeakyService.ownThread(), "the thread has no tag to send (a base instance)");
        assertEquals(200, LeakyService.ownThreadUrlConnection(uri));
        TrafficContext.restore(null);
        assertNull(LeakyService.ownThread(), "started outside any request: nothing lost");

        assertEquals(1, added(before, "thread", "lambda"), "the thread's call site, once: " + TagLoss.bySite());
        assertEquals(1, added(before, "java.net.HttpURLConnection", "urlConnection"), TagLoss.bySite().toString());
    }

    @Test
    void aThreadLanesGaveAStateToIsNotALoss() throws Exception {
        long before = TagLoss.byVia().get("thread");
        TrafficContext.attach("gray");
        assertNull(LeakyService.managedThread(), "an untagged task on a thread Lanes manages");
        assertEquals(before, TagLoss.byVia().get("thread"));
    }
}
