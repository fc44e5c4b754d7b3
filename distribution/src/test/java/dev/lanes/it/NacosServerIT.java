package dev.lanes.it;

import dev.lanes.rules.center.Latencies;
import dev.lanes.rules.zookeeper.ZooKeeperProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Nacos source against a real Nacos 2.x server, with the real agent jar. Opt-in, since it
 * needs Docker (or a server): {@code ./mvnw verify -pl distribution -am -Pnacos-it}, which starts
 * {@code nacos/nacos-server} (override the image with {@code -Dlanes.nacos.image=...}), or
 * {@code -Dlanes.nacos.server=host:port} for a server that runs already (its gRPC port must be
 * port + 1000).
 */
@EnabledIfSystemProperty(named = "lanes.nacos.it", matches = "true")
class NacosServerIT {

    private static final Duration START = Duration.ofSeconds(60);
    private static String server;
    private static String container;
    private static Path probe;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path dir;

    @BeforeAll
    static void startNacos() throws Exception {
        probe = RuleCentersIT.probeExtension();
        server = System.getProperty("lanes.nacos.server", "");
        if (server.isEmpty()) {
            int port;
            do {
                port = ZooKeeperProcess.freePort();
            } while (port + 1000 > 65535);
            String image = System.getProperty("lanes.nacos.image", "nacos/nacos-server:v2.5.1");
            Process p = new ProcessBuilder("docker", "run", "-d", "-e", "MODE=standalone", "-p", port + ":8848", "-p",
                    (port + 1000) + ":9848", image).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertTrue(p.waitFor(300, TimeUnit.SECONDS) && p.exitValue() == 0, "docker run failed: " + out);
            container = out.substring(out.lastIndexOf('\n') + 1);
            server = "127.0.0.1:" + port;
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (true) {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + server
                        + "/nacos/v1/console/health/readiness")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    break;
                }
            } catch (java.io.IOException notYet) {
                // The server is still starting.
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Nacos at " + server + " did not get ready");
            }
            Thread.sleep(500);
        }
    }

    @AfterAll
    static void stopNacos() throws Exception {
        if (container != null) {
            new ProcessBuilder("docker", "rm", "-f", container).redirectErrorStream(true).start()
                    .waitFor(60, TimeUnit.SECONDS);
        }
        if (probe != null) {
            Files.deleteIfExists(probe);
        }
    }

    /** Publishes a config through the server's open API, as the console does. */
    private static void publish(String dataId, String content) throws Exception {
        String form = "dataId=" + enc(dataId) + "&group=DEFAULT_GROUP&type=yaml&content=" + enc(content);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + server
                + "/nacos/v1/cs/configs")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void rulesFromARealNacosFollowEveryChange() throws Exception {
        publish("lanes-rules.yaml", "version: g1\nlanes: [{name: gray, tag: gray}]\n");
        publish("orders.lanes-rules.yaml", RuleCentersIT.route("gray", "v0"));
        String args = "app=orders,admin.port=0,extensions=" + probe + ",rules=nacos://" + server
                + ",rules.cache=" + dir.resolve("cache.yaml");
        List<String> options = List.of("-Duser.home=" + dir.resolve("home"), "-Dsun.net.httpserver.nodelay=true",
                Apps.agentOption(args));
        try (ChildJvm jvm = ChildJvm.start("nacos-server", options, Apps.testClasses(), Apps.HELLO_MAIN)
                .awaitReady(START)) {
            Apps.verify(jvm, () -> {
                RuleCentersIT.awaitAnswer(HTTP, jvm.port(), "gray-1");
                Latencies latencies = new Latencies("nacos server, publish to the next request routed by it");
                for (int i = 1; i <= 30; i++) {
                    String tag = i % 2 == 0 ? "gray" : "blue";
                    RuleCentersIT.pause();
                    long t0 = System.nanoTime();
                    publish("orders.lanes-rules.yaml", RuleCentersIT.route(tag, "v" + i));
                    latencies.add(RuleCentersIT.awaitAnswer(HTTP, jvm.port(), tag + "-1") - t0);
                }
                latencies.report();
                String state = ChildJvm.get(Apps.adminPort(jvm), "/lanes").body();
                assertTrue(state.contains("\"version\": \"v30+g1\""), state);
                assertTrue(state.contains("\"total\": 0"), "no agent fault: " + state);
            });
        }
    }
}
