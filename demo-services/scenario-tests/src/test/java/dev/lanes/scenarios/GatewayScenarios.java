package dev.lanes.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lanes.demo.runner.ChainResponse;
import dev.lanes.demo.runner.DemoLine;
import dev.lanes.demo.runner.Hop;
import dev.lanes.demo.runner.InstanceSpec;
import dev.lanes.demo.runner.Nginx;
import dev.lanes.demo.runner.Ports;
import dev.lanes.demo.runner.ServiceProcess;
import dev.lanes.demo.runner.Topology;
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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Spring Cloud Gateway as the entry, with the agent, on one Spring line, and Debian's nginx in
 * front of it as the seed's access layer (docs/nginx.md): a base, a gray and a dev1 gateway
 * (demo-services/gateway-app, routes in application.yml) over A (base, gray) -> B (base) -> C
 * (base, gray, dev1). Each request's whole path is read from the demo's answer, the gateway
 * that served it from the response header its route adds. A line that also builds the gateway on
 * Gateway Server MVC adds a base and a gray MVC gateway, whose scenarios its subclass holds; a
 * line may also put the WebFlux gateway of other Spring Cloud lines in front of its services (a
 * base instance of each), which its subclass runs the ingress rule and the forged tag against.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class GatewayScenarios {

    static final String SECRET = "nginx-to-gateway-3f9c2a7e41d0";
    static final String SECRET_HEADER = "x-lanes-entry";
    /** The address nginx binds to for the location that the gateways trust by source. */
    static final String NGINX_SOURCE = "127.0.0.2";
    static final String RULES = """
            lanes:
              - name: gray
                tag: gray
                entry:                      # ingress dyeing at the gateway: x-canary: 1
                  match: {headers: {x-canary: "1"}}
                  services: [gateway]
              - name: dev1
                tag: dev1
            propagate: [x-env]              # carried from a trusted source, dropped from any other
            entry:
              trust:
                sources: [%s/32]            # nginx's location /env-by-source/ binds to it
                secret: {header: %s, value: %s}
            """.formatted(NGINX_SOURCE, SECRET_HEADER, SECRET);
    static final List<String> INSTANCES = List.of("a-base", "a-gray", "b-base", "c-base", "c-gray", "c-dev1");
    /** Requests through nginx's 10 % split; each a user key of its own. */
    static final int SPLIT_REQUESTS = 2_000;
    /**
     * Requests of each kind in a scenario. Spring Cloud LoadBalancer's round robin would show a
     * choice that ignores the lane at the second request; a router that chose between two
     * candidates at random would send all of them where the scenario expects with probability
     * 2^-20 ≈ 9.5e-7.
     */
    static final int REQUESTS = 20;

    private final DemoLine line;
    private final String gatewayModule;
    /** The Gateway Server MVC build of the same gateway on this line, or null (no MVC gateway). */
    private final String mvcGatewayModule;
    /** WebFlux gateways of other Spring Cloud lines in front of this line's services. */
    private final List<OtherGateway> otherGateways;
    private Topology topology;
    private final Map<String, ServiceProcess> gateways = new LinkedHashMap<>();
    private Nginx nginx;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @RegisterExtension
    final TestWatcher dumpLogsOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            System.err.println("[gateway scenarios] " + context.getDisplayName() + " failed; logs follow");
            if (topology != null) {
                topology.dumpLogs();
            }
            for (ServiceProcess gateway : gateways.values()) {
                gateway.dumpLog(System.err);
            }
            if (nginx != null) {
                System.err.println(nginx.logText());
            }
        }
    };

    GatewayScenarios(DemoLine line, String gatewayModule) {
        this(line, gatewayModule, null);
    }

    /**
     * With {@code mvcGatewayModule}, a base and a gray Gateway Server MVC ({@code mvc-base},
     * {@code mvc-gray}, the same routes) join the topology for the subclass's MVC scenarios.
     */
    GatewayScenarios(DemoLine line, String gatewayModule, String mvcGatewayModule) {
        this(line, gatewayModule, mvcGatewayModule, List.of());
    }

    /**
     * With {@code otherGateways}, a base instance of each ({@code <name>-base}) joins the topology
     * too, for the subclass's scenarios on it. One instance, not a base and a gray: each gateway
     * JVM adds several seconds of start-up on a two-core machine (docs/gateway.md).
     */
    GatewayScenarios(DemoLine line, String gatewayModule, String mvcGatewayModule, List<OtherGateway> otherGateways) {
        this.line = line;
        this.gatewayModule = gatewayModule;
        this.mvcGatewayModule = mvcGatewayModule;
        this.otherGateways = List.copyOf(otherGateways);
    }

    /**
     * The WebFlux gateway of another Spring Cloud line (its module in demo-services/gateway-app)
     * in front of this line's services, as when the gateway is upgraded on its own schedule.
     */
    record OtherGateway(String name, String module) {
    }

    /** A record of one answer through a gateway: the gateway that served it and the chain below. */
    record Answer(String gateway, ChainResponse chain) {
        String path() {
            return gateway + " -> " + chain.path();
        }

        List<String> seenTags() {
            List<String> tags = new ArrayList<>();
            for (Hop hop : chain.hops()) {
                tags.add(hop.seenTag() == null ? "-" : hop.seenTag());
            }
            return tags;
        }
    }

    @BeforeAll
    void start() throws Exception {
        List<String> modules = new ArrayList<>(List.of(gatewayModule));
        if (mvcGatewayModule != null) {
            modules.add(mvcGatewayModule);
        }
        otherGateways.forEach(other -> modules.add(other.module()));
        for (String module : modules) {
            assumeTrue(Files.isRegularFile(gatewayJar(module)), "build demo-services/gateway-app first: "
                    + gatewayJar(module));
        }
        Path work = Paths.get("target", "scenarios", getClass().getSimpleName()).toAbsolutePath();
        Files.createDirectories(work);
        Path rules = work.resolve("rules.yaml");
        Files.writeString(rules, RULES);
        Topology.Builder builder = Topology.builder().line(line).agent(LaneScenarios.agentJar(), null)
                .jvmArgs("-Dlanes.rules=file:" + rules).workDir(work);
        INSTANCES.forEach(builder::instances);
        topology = builder.start();
        List<String[]> specs = new ArrayList<>(List.of(new String[] {"gw-base", null, gatewayModule},
                new String[] {"gw-gray", "gray", gatewayModule}, new String[] {"gw-dev1", "dev1", gatewayModule}));
        if (mvcGatewayModule != null) {
            specs.add(new String[] {"mvc-base", null, mvcGatewayModule});
            specs.add(new String[] {"mvc-gray", "gray", mvcGatewayModule});
        }
        for (OtherGateway other : otherGateways) {
            specs.add(new String[] {other.name() + "-base", null, other.module()});
        }
        for (String[] g : specs) {
            InstanceSpec spec = new InstanceSpec(g[0], "gateway", "", g[1], List.of(),
                    List.of("--demo.direct-uri=" + topology.url("a-base")));
            gateways.put(g[0], ServiceProcess.start(topology.launch().withAppJar(gatewayJar(g[2])), spec,
                    topology.registry(), work));
        }
        for (String name : gateways.keySet()) {
            awaitGateway(name);
        }
        startNginx(work);
    }

    private static Path gatewayJar(String module) {
        return DemoLine.repositoryRoot().resolve("demo-services/gateway-app").resolve(module)
                .resolve("target/gateway-app.jar");
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (nginx != null) {
            nginx.close();
        }
        ServiceProcess.stopAll(gateways.values());
        if (topology != null) {
            topology.close();
        }
    }

    // ---- the gateway alone ----

    @Test
    @Order(1)
    @DisplayName("lb:// route: untagged stays base; the gray gateway dyes gray (node dyeing) and the chain keeps the lane")
    void nodeDyeingAtTheGateway() throws Exception {
        for (int i = 0; i < REQUESTS; i++) {
            expect(get(gateway("gw-base") + "/chain", Map.of()), "gw-base -> a-base -> b-base -> c-base",
                    List.of("-", "-", "-"));
            expect(get(gateway("gw-gray") + "/chain", Map.of()), "gw-gray -> a-gray -> b-base -> c-gray",
                    List.of("gray", "gray", "gray"));
            expect(get(gateway("gw-dev1") + "/chain", Map.of()), "gw-dev1 -> a-base -> b-base -> c-dev1",
                    List.of("dev1", "dev1", "dev1"));
        }
    }

    @Test
    @Order(2)
    @DisplayName("an ingress rule at the gateway dyes the proxied request, on lb:// and http:// routes")
    void ingressRuleAtTheGateway() throws Exception {
        ingressRule("gw-base");
    }

    /** The ingress rule at the base gateway {@code base}, on its {@code lb://} and {@code http://} routes. */
    void ingressRule(String base) throws Exception {
        for (int i = 0; i < REQUESTS; i++) {
            expect(get(gateway(base) + "/chain", Map.of("x-canary", "1")),
                    base + " -> a-gray -> b-base -> c-gray", List.of("gray", "gray", "gray"));
            expect(get(gateway(base) + "/direct/chain", Map.of("x-canary", "1")),
                    base + " -> a-base -> b-base -> c-gray", List.of("gray", "gray", "gray"));
            expect(get(gateway(base) + "/direct/chain", Map.of()),
                    base + " -> a-base -> b-base -> c-base", List.of("-", "-", "-"));
        }
    }

    @Test
    @Order(3)
    @DisplayName("trust boundary: a client's forged x-lanes-tag is dropped at the gateway, on lb:// and http:// routes")
    void forgedTagIgnored() throws Exception {
        forgedTagDropped("gw-base", "gw-gray");
    }

    /**
     * A client's forged tag sent straight to the base gateway {@code base} and, unless null, to the
     * gray gateway {@code gray}.
     */
    void forgedTagDropped(String base, String gray) throws Exception {
        for (int i = 0; i < REQUESTS; i++) {
            expect(get(gateway(base) + "/chain", Map.of("x-lanes-tag", "dev1")),
                    base + " -> a-base -> b-base -> c-base", List.of("-", "-", "-"));
            expect(get(gateway(base) + "/direct/chain", Map.of("x-lanes-tag", "dev1",
                    "baggage", "lanes.tag=dev1")), base + " -> a-base -> b-base -> c-base", List.of("-", "-", "-"));
            if (gray != null) {
                // A forged tag does not undo node dyeing: the gray gateway's own tag wins.
                expect(get(gateway(gray) + "/chain", Map.of("x-lanes-tag", "dev1")),
                        gray + " -> a-gray -> b-base -> c-gray", List.of("gray", "gray", "gray"));
            }
            // A wrong secret is no secret.
            expect(get(gateway(base) + "/chain", Map.of("x-lanes-tag", "dev1", SECRET_HEADER, SECRET + "0")),
                    base + " -> a-base -> b-base -> c-base", List.of("-", "-", "-"));
        }
    }

    // ---- nginx in front ----

    @Test
    @Order(10)
    @DisplayName("trust boundary: nginx's x-lanes-tag is honoured, by source address and by shared secret; a client's forged one through nginx is not")
    void trustedNginxHonoured() throws Exception {
        for (int i = 0; i < REQUESTS; i++) {
            for (String location : List.of("/env-by-source", "/env-by-secret")) {
                expect(get(nginx() + location + "/chain", Map.of("x-env", "dev1")),
                        "gw-base -> a-base -> b-base -> c-dev1", List.of("dev1", "dev1", "dev1"));
                expect(get(nginx() + location + "/chain", Map.of("x-lanes-tag", "dev1")),
                        "gw-base -> a-base -> b-base -> c-base", List.of("-", "-", "-"));
            }
        }
    }

    @Test
    @Order(11)
    @DisplayName("layout (b): x-env: dev1 goes to the dev1 gateway, and the whole chain stays in dev1")
    void environmentHeaderToItsGateway() throws Exception {
        for (int i = 0; i < REQUESTS; i++) {
            expect(get(nginx() + "/chain", Map.of("x-env", "dev1", "x-user-id", "user-" + i)),
                    "gw-dev1 -> a-base -> b-base -> c-dev1", List.of("dev1", "dev1", "dev1"));
        }
    }

    /**
     * Layout (a): nginx's split_clients sends 10 % of user keys to the gray gateway. With 2,000
     * distinct keys the gray count is binomial (n 2,000, p 0.1): standard deviation 13.4 requests
     * (0.67 points), so ±3 points is ±4.47 standard deviations, and a correct split fails the test
     * with probability about 8e-6 for a random set of keys. The keys here are fixed, so a run is
     * repeatable: for them the check passes or fails every time.
     */
    @Test
    @Order(12)
    @DisplayName("layout (a): 10 % of 2,000 users to the gray gateway, sticky, each path in its lane, no failure")
    void tenPercentSplit() throws Exception {
        Map<String, String> laneOf = new ConcurrentHashMap<>();
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < SPLIT_REQUESTS; i++) {
                String user = "user-" + i;
                sent.add(pool.submit(() -> {
                    laneOf.put(user, splitRequest(user, problems));
                    return null;
                }));
            }
            for (Future<?> f : sent) {
                f.get();
            }
            // Sticky: a second request of every 10th user lands in the same lane.
            sent.clear();
            for (int i = 0; i < SPLIT_REQUESTS; i += 10) {
                String user = "user-" + i;
                sent.add(pool.submit(() -> {
                    String again = splitRequest(user, problems);
                    if (!again.equals(laneOf.get(user))) {
                        problems.add(user + ": first " + laneOf.get(user) + ", then " + again);
                    }
                    return null;
                }));
            }
            for (Future<?> f : sent) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        long gray = laneOf.values().stream().filter("gray"::equals).count();
        double share = 100.0 * gray / SPLIT_REQUESTS;
        ScenarioReport.line(getClass().getSimpleName() + " | nginx split: " + gray + " of " + SPLIT_REQUESTS
                + " users gray (" + String.format("%.2f", share) + " %, configured 10 %), "
                + (SPLIT_REQUESTS + SPLIT_REQUESTS / 10) + " requests, " + problems.size() + " problems");
        assertTrue(problems.isEmpty(), problems.size() + " problems, first: "
                + problems.subList(0, Math.min(10, problems.size())));
        assertTrue(Math.abs(share - 10.0) <= 3.0, "gray share " + share + " % is not within 10 ± 3 %");
    }

    /** One request of the split; returns its lane ("gray" or "base"), noting anything inconsistent. */
    private String splitRequest(String user, List<String> problems) throws Exception {
        Answer a = get(nginx() + "/chain", Map.of("x-user-id", user));
        if (!a.chain().ok()) {
            problems.add(user + ": failed with " + a.chain().status() + " " + a.chain().body());
            return "failed";
        }
        boolean gray = "gw-gray".equals(a.gateway());
        String expected = gray ? "gw-gray -> a-gray -> b-base -> c-gray" : "gw-base -> a-base -> b-base -> c-base";
        List<String> tags = gray ? List.of("gray", "gray", "gray") : List.of("-", "-", "-");
        if (!a.path().equals(expected) || !a.seenTags().equals(tags)) {
            problems.add(user + ": " + a.path() + " tags " + a.seenTags());
        }
        return gray ? "gray" : "base";
    }

    // ---- plumbing ----

    static void expect(Answer a, String path, List<String> seenTags) {
        assertTrue(a.chain().ok(), () -> "failed: " + a.chain().status() + " " + a.chain().body());
        assertEquals(path, a.path());
        assertEquals(seenTags, a.seenTags(), () -> "x-lanes-tag seen at each hop of " + a.path());
    }

    String gateway(String name) {
        return gateways.get(name).baseUrl();
    }

    private String nginx() {
        return nginx.url();
    }

    Answer get(String url, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15));
        headers.forEach(request::header);
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.headers().firstValue("X-Gateway-Instance").orElse("?"),
                ChainResponse.parse(response.statusCode(), response.body()));
    }

    private void awaitGateway(String name) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!gateways.get(name).isAlive()) {
                fail(name + " exited; log:\n" + gateways.get(name).logText());
            }
            try {
                Answer a = get(gateway(name) + "/chain", Map.of());
                if (a.chain().ok() && a.chain().hops().size() == 3) {
                    return;
                }
                last = a.chain().status() + " " + a.chain().body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(300);
        }
        fail(name + " did not route within 180 s: " + last + "\n" + gateways.get(name).logText());
    }

    private void startNginx(Path work) throws Exception {
        Path binary = Nginx.find();
        assumeTrue(binary != null, "nginx is not installed (.ci/run installs it; apt-get install nginx)");
        Path nginxDir = work.resolve("nginx");
        int port = Ports.free();
        nginx = Nginx.start(binary, nginxDir, Nginx.config(port, gateways.get("gw-base").port(),
                gateways.get("gw-gray").port(), gateways.get("gw-dev1").port(), NGINX_SOURCE, SECRET_HEADER, SECRET,
                nginxDir), port);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                if (get(nginx() + "/chain", Map.of("x-user-id", "probe")).chain().ok()) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (!nginx.isAlive() || System.nanoTime() > deadline) {
                fail("nginx did not start: " + nginx.logText());
            }
            Thread.sleep(200);
        }
    }
}
