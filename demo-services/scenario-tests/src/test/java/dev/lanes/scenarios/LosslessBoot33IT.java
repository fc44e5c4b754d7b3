package dev.lanes.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.lanes.demo.runner.DemoLine;
import dev.lanes.demo.runner.InstanceSpec;
import dev.lanes.demo.runner.Ports;
import dev.lanes.demo.runner.Registry;
import dev.lanes.demo.runner.ServiceProcess;
import dev.lanes.demo.runner.Topology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Lossless online and offline on Spring Boot 3.3 with ZooKeeper: service-b is registered only
 * after it is ready plus {@code lossless.registrationDelay}, and says so on {@code /lanes/ready};
 * on SIGTERM it leaves the registry while it still serves, finishes its slow requests in
 * flight, and marks the answers it gives meanwhile with {@code x-lanes-closing: true}.
 * service-a is the observer: its discovery client shows what a consumer sees in ZooKeeper.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LosslessBoot33IT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final long DELAY_MILLIS = 4_000L;
    private static final int SLOW_REQUESTS = 4;
    private static final long HOLD_MILLIS = 3_000L;

    private Topology topology;
    private ServiceProcess b;
    private int adminPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @RegisterExtension
    final TestWatcher dumpLogsOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (topology != null) {
                System.err.println("[scenarios] LosslessBoot33IT failed; logs of every process follow");
                topology.dumpLogs();
                if (b != null) {
                    b.dumpLog(System.err);
                }
            }
        }
    };

    @BeforeAll
    void start() throws IOException {
        Jdk jdk = Jdk.find(17);
        assumeTrue(jdk != null, () -> "LosslessBoot33IT skipped: no JDK 17 found at " + Jdk.lookedAt(17));
        Path work = Paths.get("target", "scenarios", "LosslessBoot33IT").toAbsolutePath();
        Files.createDirectories(work);
        Path rules = work.resolve("rules.yaml");
        Files.writeString(rules, "version: lossless-1\nlossless: {registrationDelay: " + DELAY_MILLIS
                + "ms, drain: 40s}\n");
        topology = Topology.builder()
                .line(DemoLine.BOOT33)
                .java(jdk.home())
                .agent(LaneScenarios.agentJar(), null)
                .registry(Registry.Kind.ZOOKEEPER)
                .workDir(work)
                .instance(InstanceSpec.of("a-base"))
                .start();
        adminPort = Ports.free();
        // Started by hand: the topology would wait for it to be registered.
        b = ServiceProcess.start(topology.launch(), InstanceSpec.of("b-base").withNext("")
                        .withJvmArgs("-Dlanes.rules=file:" + rules, "-Dlanes.admin.port=" + adminPort),
                topology.registry(), work);
    }

    @AfterAll
    void stop() {
        if (b != null) {
            b.kill();
        }
        if (topology != null) {
            topology.close();
        }
    }

    @Test
    void registersOnlyWhenReadyAndLeavesTheRegistryBeforeItStopsServing() throws Exception {
        ServiceProcess a = topology.instance("a-base");

        // Online: ready, waiting out the delay, serving HTTP, and not in the registry.
        awaitPhase("registering");
        long readyAt = System.nanoTime();
        assertEquals(200, get(b.baseUrl() + "/chain").statusCode(), "b serves before it is registered");
        assertFalse(seenBy(a), "a consumer cannot find b before its registration delay is over");
        HttpResponse<String> notReady = get(admin("/lanes/ready"));
        assertEquals(503, notReady.statusCode(), notReady.body());
        assertTrue(notReady.body().contains("registrationDelay"), notReady.body());

        awaitTrue(() -> seenBy(a), "a sees b in ZooKeeper once the delay is over");
        long seenAfter = System.nanoTime() - readyAt;
        HttpResponse<String> ready = get(admin("/lanes/ready"));
        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("\"phase\": \"registered\"") || ready.body().contains("\"phase\":\"registered\""),
                ready.body());
        ScenarioReport.line("LosslessBoot33IT: b registered " + LaneScenarios.seconds(seenAfter)
                + " s after its ready phase was first seen (registrationDelay " + DELAY_MILLIS + " ms)");

        // Offline: slow requests in flight, then SIGTERM.
        List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
        for (int i = 0; i < SLOW_REQUESTS; i++) {
            slow.add(http.sendAsync(request(b.baseUrl() + "/chain?holdMs=" + HOLD_MILLIS),
                    HttpResponse.BodyHandlers.ofString()));
        }
        awaitTrue(() -> inFlight() >= SLOW_REQUESTS, "the slow requests are in flight");
        long sigterm = System.nanoTime();
        assertTrue(ProcessHandle.of(b.pid()).orElseThrow().destroy(), "SIGTERM sent");

        awaitTrue(() -> !seenBy(a), "b leaves ZooKeeper after SIGTERM");
        long deregisteredAfter = System.nanoTime() - sigterm;
        // Late requests, sent after b left the registry: still served, and marked.
        int late = 0;
        int marked = 0;
        long lateUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_500);
        while (System.nanoTime() < lateUntil) {
            HttpResponse<String> r = get(b.baseUrl() + "/chain");
            assertEquals(200, r.statusCode(), "a late request is served while draining: " + r.body());
            late++;
            if ("true".equals(r.headers().firstValue("x-lanes-closing").orElse(null))) {
                marked++;
            }
            Thread.sleep(100);
        }
        assertEquals(late, marked, "every answer given while draining carries x-lanes-closing: true");
        for (CompletableFuture<HttpResponse<String>> f : slow) {
            HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode(), "a request in flight at SIGTERM completes: " + r.body());
        }
        assertTrue(b.launch() != null && waitForExit(), "b exits once drained");
        long exitedAfter = System.nanoTime() - sigterm;
        String log = b.logText();
        assertTrue(log.contains("lossless: deregistered"), "the agent logged the deregistration");
        assertTrue(log.contains("lossless: drained in"), "the agent logged the drain");
        ScenarioReport.line("LosslessBoot33IT: after SIGTERM b left ZooKeeper in " + LaneScenarios.seconds(deregisteredAfter)
                + " s, served " + late + " late requests (all marked x-lanes-closing) and " + SLOW_REQUESTS
                + " slow ones in flight, and exited " + LaneScenarios.seconds(exitedAfter) + " s after SIGTERM");
    }

    private boolean waitForExit() throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (b.isAlive()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }

    private boolean seenBy(ServiceProcess a) {
        Set<Integer> ports = a.discoveredPorts("service-b");
        return ports != null && ports.contains(b.port());
    }

    private int inFlight() {
        String body = getQuietly(admin("/lanes"));
        int at = body == null ? -1 : body.indexOf("\"inFlight\":");
        if (at < 0) {
            return -1;
        }
        int start = at + "\"inFlight\":".length();
        while (start < body.length() && body.charAt(start) == ' ') {
            start++;
        }
        int end = start;
        while (end < body.length() && Character.isDigit(body.charAt(end))) {
            end++;
        }
        return end > start ? Integer.parseInt(body.substring(start, end)) : -1;
    }

    private void awaitPhase(String phase) {
        awaitTrue(() -> {
            String body = getQuietly(admin("/lanes/ready"));
            return body != null && body.replace(" ", "").contains("\"phase\":\"" + phase + "\"");
        }, "b's lifecycle phase is " + phase);
    }

    private String admin(String path) {
        return "http://127.0.0.1:" + adminPort + path;
    }

    private void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + DEADLINE + ": " + what);
            }
            RulesFile.sleep(50);
        }
    }

    private HttpRequest request(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build();
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(request(url), HttpResponse.BodyHandlers.ofString());
    }

    private String getQuietly(String url) {
        try {
            return get(url).body();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
