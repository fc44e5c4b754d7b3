package dev.lanes.it;

import dev.lanes.rules.center.Latencies;
import dev.lanes.rules.zookeeper.ZooKeeperProcess;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rule centers inside the real agent jar: ZooKeeper and file rules followed by live traffic
 * (a test extension shows in each answer which instance the engine chose), a restart while the
 * rule center is down, and the relocated nacos-client next to an application's own.
 */
class RuleCentersIT {

    private static final Duration START = Duration.ofSeconds(60);
    private static final int CHANGES = 50;
    private static ZooKeeperProcess zk;
    private static CuratorFramework admin;
    private static Path probe;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        zk = ZooKeeperProcess.start();
        admin = CuratorFrameworkFactory.newClient(zk.connectString(), 10_000, 5_000, new RetryOneTime(200));
        admin.start();
        admin.blockUntilConnected();
        probe = probeExtension();
    }

    @AfterAll
    static void stop() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (zk != null) {
            zk.close();
        }
        if (probe != null) {
            Files.deleteIfExists(probe);
        }
    }

    /** An extension jar with the routing probe alone. */
    static Path probeExtension() throws IOException {
        Path jar = Files.createTempFile("lanes-probe-extension-", ".jar");
        Path classes = Path.of(Apps.testClasses());
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out);
             Stream<Path> files = Files.walk(classes.resolve("dev/lanes/it/probe"))) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                zip.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                zip.write(Files.readAllBytes(f));
                zip.closeEntry();
            }
            zip.putNextEntry(new JarEntry("META-INF/services/dev.lanes.core.plugin.LanesPlugin"));
            zip.write("dev.lanes.it.probe.RoutingProbePlugin\n".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return jar;
    }

    static String route(String tag, String version) {
        return "version: " + version + "\nroutes:\n  - service: probe-service\n    to: {tag: " + tag + "}\n";
    }

    private static void write(CuratorFramework c, String path, String text) throws Exception {
        c.create().orSetData().creatingParentsIfNeeded().forPath(path, text.getBytes(StandardCharsets.UTF_8));
    }

    /** GET /hello until the answer names {@code instance}; returns the nanoTime when it did. */
    static long awaitAnswer(HttpClient http, int port, String instance) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hello"))
                .timeout(Duration.ofSeconds(10)).GET().build();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), "a request failed: " + response.body());
            last = response.body();
            if (last.endsWith("routed=" + instance)) {
                return System.nanoTime();
            }
        }
        throw new AssertionError("the answer never named " + instance + "; last: " + last);
    }

    private ChildJvm app(String name, String args, String... jvmOptions) throws Exception {
        List<String> options = new ArrayList<>(List.of(jvmOptions));
        options.add("-Duser.home=" + dir.resolve("home"));
        // Without it the JDK's HTTP server waits for delayed ACKs, ~40 ms a request, which would hide the rules' latency.
        options.add("-Dsun.net.httpserver.nodelay=true");
        options.add(Apps.agentOption("app=orders,admin.port=0,extensions=" + probe + (args.isEmpty() ? "" : "," + args)));
        return ChildJvm.start(name, options, Apps.testClasses(), Apps.HELLO_MAIN).awaitReady(START);
    }

    @Test
    void zookeeperRulesTakeEffectOnTheNextRequest() throws Exception {
        String base = "/e2e/lanes/rules";
        write(admin, base + "/global", "version: g1\nlanes: [{name: gray, tag: gray}]\n");
        write(admin, base + "/orders", route("gray", "v0"));
        String rules = "rules=zookeeper://" + zk.connectString() + base + ",rules.cache=" + dir.resolve("cache.yaml");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (ChildJvm jvm = app("zk-latency", rules)) {
            Apps.verify(jvm, () -> {
                awaitAnswer(http, jvm.port(), "gray-1");
                Latencies latencies = new Latencies("zookeeper, znode write to the next request routed by it "
                        + "(agent in a child JVM)");
                for (int i = 1; i <= CHANGES; i++) {
                    String tag = i % 2 == 0 ? "gray" : "blue";
                    pause();
                    long t0 = System.nanoTime();
                    write(admin, base + "/orders", route(tag, "v" + i));
                    latencies.add(awaitAnswer(http, jvm.port(), tag + "-1") - t0);
                }
                latencies.report();
                String state = ChildJvm.get(Apps.adminPort(jvm), "/lanes").body();
                assertTrue(state.contains("\"version\": \"v" + CHANGES + "+g1\""), state);
                assertTrue(state.contains("\"origin\": \"zookeeper:" + base + "/orders\""), state);
                assertTrue(Files.readString(dir.resolve("cache.yaml")).contains("v" + CHANGES),
                        "the last good rules are cached");

                write(admin, base + "/orders", "lanes:\n  - name: x\n    tag: base\n");
                String rejected = awaitState(jvm, "\"rejected\": 1");
                assertTrue(rejected.contains("\"document\": \"zookeeper:" + base + "/orders\""), rejected);
                assertTrue(rejected.contains("\"field\": \"lanes[0].tag\"") && rejected.contains("\"line\": 3"),
                        rejected);
                awaitAnswer(http, jvm.port(), "gray-1");
                assertTrue(jvm.log().contains("rejected, keeping version v" + CHANGES + "+g1"), "logged");
            });
        }
    }

    /** A random pause, so that changes do not fall into step with the file source's polling. */
    static void pause() throws InterruptedException {
        Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextInt(250));
    }

    private static String awaitState(ChildJvm jvm, String text) throws Exception {
        int admin = Apps.adminPort(jvm);
        String state = "";
        for (int i = 0; i < 200; i++) {
            state = ChildJvm.get(admin, "/lanes").body();
            if (state.contains(text)) {
                return state;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the admin endpoint never showed " + text + ": " + state);
    }

    @Test
    void fileRulesTakeEffectOnTheNextRequest() throws Exception {
        Path file = dir.resolve("rules.yaml");
        Files.writeString(file, route("gray", "v0"));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (ChildJvm jvm = app("file-latency", "rules=file:" + file)) {
            Apps.verify(jvm, () -> {
                awaitAnswer(http, jvm.port(), "gray-1");
                Latencies latencies = new Latencies("file, save to the next request routed by it "
                        + "(agent in a child JVM, 200 ms polling)");
                for (int i = 1; i <= CHANGES; i++) {
                    String tag = i % 2 == 0 ? "gray" : "blue";
                    pause();
                    long t0 = System.nanoTime();
                    Files.writeString(file, route(tag, "v" + i));
                    latencies.add(awaitAnswer(http, jvm.port(), tag + "-1") - t0);
                }
                latencies.report();
                Files.writeString(file, "dryRun: true\n" + route("blue", "dry"));
                awaitAnswer(http, jvm.port(), "framework");
                String state = awaitState(jvm, "\"dryRun\": true");
                assertTrue(state.matches("(?s).*\"blue\": \\{[^}]*\"dryRunDifferences\": [1-9].*"),
                        "dry run counts what the route would have done: " + state);
            });
        }
    }

    @Test
    void aRestartWhileZooKeeperIsDownKeepsTheLanes() throws Exception {
        String base = "/restart/lanes/rules";
        write(admin, base + "/orders", route("blue", "before-outage"));
        Path cache = dir.resolve("restart-cache.yaml");
        String rules = "rules=zookeeper://" + zk.connectString() + base + "?connectionTimeout=500,rules.cache="
                + cache + ",rules.startup.wait=1s";
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (ChildJvm jvm = app("zk-before", rules)) {
            Apps.verify(jvm, () -> awaitAnswer(http, jvm.port(), "blue-1"));
        }
        assertTrue(Files.readString(cache).contains("before-outage"));
        zk.stop();
        try (ChildJvm jvm = app("zk-outage", rules)) {
            Apps.verify(jvm, () -> {
                awaitAnswer(http, jvm.port(), "blue-1");
                String state = ChildJvm.get(Apps.adminPort(jvm), "/lanes").body();
                assertTrue(state.contains("\"version\": \"before-outage\""), state);
                assertTrue(state.contains("\"source\": \"cache:" + cache), state);
                assertTrue(jvm.log().contains("the last good rules, version before-outage"), "logged");

                zk.startAgain();
                try (CuratorFramework other = CuratorFrameworkFactory.newClient(zk.connectString(), 10_000, 5_000,
                        new RetryOneTime(200))) {
                    other.start();
                    other.blockUntilConnected();
                    write(other, base + "/orders", route("gray", "after-outage"));
                }
                awaitAnswer(http, jvm.port(), "gray-1");
            });
        } finally {
            zk.startAgain();
            admin.blockUntilConnected();
        }
    }

    /**
     * Deleting the rule node ends a canary for good: an instance that was down meanwhile does not
     * bring the deleted route back from its rules cache, a running one drops it at once, and both
     * say so loudly; the cache keeps the removed document to push again.
     */
    @Test
    void aDeletedNodeEndsTheCanaryAtRestartAndOnARunningAgentAndIsReportedAsRemoved() throws Exception {
        String base = "/deleted/lanes/rules";
        String node = base + "/orders";
        write(admin, node, route("blue", "canary"));
        Path cache = dir.resolve("deleted-cache.yaml");
        String source = "zookeeper://" + zk.connectString() + base;
        String rules = "rules=" + source + ",rules.cache=" + cache;
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (ChildJvm jvm = app("zk-canary", rules)) {
            Apps.verify(jvm, () -> {
                awaitAnswer(http, jvm.port(), "blue-1");
                // The cache is written just after the rules apply: wait for it before stopping.
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (!(Files.exists(cache) && Files.readString(cache).contains("canary"))) {
                    assertTrue(System.nanoTime() < deadline, "the rules cache was written");
                    Thread.sleep(20);
                }
            });
        }

        // The operator ends the canary while the instance is down.
        admin.delete().forPath(node);
        try (ChildJvm jvm = app("zk-after-delete", rules)) {
            Apps.verify(jvm, () -> {
                for (int i = 0; i < 20; i++) {
                    String answer = jvm.get("/hello");
                    assertTrue(answer.endsWith("routed=base-1"), "the deleted route stays deleted: " + answer);
                }
                assertTrue(jvm.log().contains("RULES REMOVED: the rule document zookeeper:" + node
                        + " no longer exists in its rule center, so its rules (version canary) no longer apply"),
                        "said loudly at start");
                String state = awaitState(jvm, "\"removed\": [");
                assertTrue(state.matches("(?s).*\"removed\": \\[\\s*\\{\\s*\"role\": \"application\",\\s*"
                        + "\"origin\": \"zookeeper:" + node + "\",\\s*\"version\": \"canary\".*"), state);
                assertTrue(state.contains("\"sourceState\": \"ok\""), state);

                // Pushed again, then deleted on the running agent.
                write(admin, node, route("gray", "again"));
                awaitAnswer(http, jvm.port(), "gray-1");
                admin.delete().forPath(node);
                awaitAnswer(http, jvm.port(), "base-1");
                assertTrue(jvm.log().contains("RULES REMOVED: the rule document zookeeper:" + node
                        + " no longer exists in its rule center, so its rules (version again)"), "said loudly");
            });
        }
        assertFalse(Files.readString(cache).contains("documents:\n- role"), "no rules left in the cache");
        String[] got = cli("rules", "get", "--cache", cache.toString(), "--source", source, "--app", "orders");
        assertEquals("0", got[0], got[1]);
        assertTrue(got[1].contains("# REMOVED application document zookeeper:" + node + ", version again"), got[1]);
        assertTrue(got[1].contains(route("gray", "again")), "ready to push again: " + got[1]);
    }

    @Test
    void aMalformedRuleSourceIsAnErrorOnTheStartLineAndOnTheAdminEndpoint() throws Exception {
        try (ChildJvm jvm = app("malformed-source", "rules=zookeeper://" + zk.connectString() + "/x?nod=/y")) {
            Apps.verify(jvm, () -> {
                String state = awaitState(jvm, "\"sourceState\": \"failed\"");
                assertTrue(state.contains("\"sourceFailure\": \"zookeeper: unknown parameter 'nod'; expected one of "),
                        state);
                assertTrue(jvm.log().matches("(?s).*ERROR (Lanes .* started: .*)?rules=zookeeper://[^ ]*/x\\?nod=/y "
                        + "FAILED \\(zookeeper: unknown parameter 'nod'.*"), jvm.log());
                assertTrue(jvm.get("/hello").startsWith("hello"), "the application runs on");
            });
        }
    }

    @Test
    void cliPushesValidatesAndGetsThroughZooKeeper() throws Exception {
        String source = "zookeeper://" + zk.connectString() + "/cli/lanes/rules";
        Path global = dir.resolve("global.yaml");
        Files.writeString(global, "version: g1\nlanes: [{name: gray, tag: gray}]\n");
        Path orders = dir.resolve("orders.yaml");
        Files.writeString(orders, route("gray", "o1"));

        String[] pushed = cli("rules", "push", global.toString(), "--source", source, "--global");
        assertEquals("0", pushed[0], pushed[1]);
        assertTrue(pushed[1].contains("pushed " + global + " to zookeeper:/cli/lanes/rules/global"), pushed[1]);
        pushed = cli("rules", "push", orders.toString(), "--source", source, "--app", "orders");
        assertEquals("0", pushed[0], pushed[1]);

        String[] got = cli("rules", "get", "--source", source, "--app", "orders");
        assertEquals("0", got[0], got[1]);
        assertTrue(got[1].contains("# global document zookeeper:/cli/lanes/rules/global\nversion: g1"), got[1]);
        assertTrue(got[1].contains("# application document zookeeper:/cli/lanes/rules/orders\nversion: o1"), got[1]);

        Files.writeString(orders, "routes: [{service: x, to: {tag: '?'}}]\n");
        String[] refused = cli("rules", "push", orders.toString(), "--source", source, "--app", "orders");
        assertEquals("1", refused[0], refused[1]);
        assertTrue(refused[1].contains("routes[0].to.tag (line 1)"), refused[1]);

        String[] down = cli("rules", "get", "--source", "zookeeper://127.0.0.1:" + ZooKeeperProcess.freePort()
                + "?connectionTimeout=200", "--timeout", "1s");
        assertEquals("3", down[0], down[1]);
        assertTrue(down[1].contains("cannot read rules from zookeeper://"), down[1]);
    }

    /** {exit code, output} of {@code java -jar lanes-agent.jar args...}. */
    private static String[] cli(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ChildJvm.java(), "-jar", ChildJvm.agentJar().toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the command ended");
        return new String[] {String.valueOf(p.exitValue()), out};
    }

    @Test
    void nacosClientWorksRelocatedNextToTheApplicationsOwn() throws Exception {
        int closed = ZooKeeperProcess.freePort();
        Path libs = Path.of(System.getProperty("lanes.app.libs", "target/app-libs"));
        String cp = ChildJvm.classPath(Apps.testClasses(), libs.resolve("byte-buddy-1.14.18.jar").toString(),
                libs.resolve("snakeyaml-2.2.jar").toString(), libs.resolve("nacos-client-2.2.4.jar").toString());
        String args = "app=orders,admin.port=0,rules.startup.wait=2s,rules.cache=" + dir.resolve("nacos-cache.yaml")
                + ",rules=nacos://127.0.0.1:" + closed + "?namespace=dev&username=lanes&password=s3cret&timeout=1000";
        List<String> options = List.of("-Duser.home=" + dir.resolve("home"), Apps.agentOption(args));
        try (ChildJvm jvm = ChildJvm.start("nacos-relocated", options, cp, Apps.HELLO_MAIN).awaitReady(START)) {
            Apps.verify(jvm, () -> {
                assertEquals("bytebuddy=byte-buddy-1.14.18.jar made=example.app.Generated snakeyaml=snakeyaml-2.2.jar"
                        + " yaml=42 nacos=nacos-client-2.2.4.jar version=2.2.4", jvm.get("/hello").startsWith("hello")
                        ? jvm.get("/libraries") : "");
                String state = awaitState(jvm, "cannot read rules from Nacos at 127.0.0.1:" + closed);
                assertTrue(state.contains("(code "), "a NacosException from the relocated client: " + state);
                assertTrue(state.contains("\"total\": 0"), "no agent fault: " + state);
                assertFalse(state.contains("s3cret"), "no password on the admin endpoint: " + state);
                String log = jvm.log();
                assertFalse(log.contains("s3cret"), "no password in the log");
                assertTrue(log.contains("has not answered within") || log.contains("has delivered no valid rules"),
                        "start-up went on without the rule center");
                assertFalse(Files.exists(dir.resolve("home/logs/nacos")), "nacos-client configured no log files");
            });
        }
    }
}
