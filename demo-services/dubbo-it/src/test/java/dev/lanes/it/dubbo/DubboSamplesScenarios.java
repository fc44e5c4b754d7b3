package dev.lanes.it.dubbo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

import dev.lanes.demo.runner.DemoLine;
import dev.lanes.demo.runner.InstanceSpec;
import dev.lanes.demo.runner.Launch;
import dev.lanes.demo.runner.Ports;
import dev.lanes.demo.runner.ServiceProcess;
import dev.lanes.demo.runner.ZooKeeperProcess;

/**
 * Dubbo as its Spring Boot samples configure it, for one Dubbo 3 line: the samples app
 * (demo-services/dubbo-samples: {@code org.apache.dubbo.samples.api.GreetingsService},
 * {@code @DubboService} / {@code @DubboReference}, dubbo-spring-boot-starter, every setting in
 * application.yml) in real JVMs with the agent and no Lanes setting but the instance tag, a
 * real ZooKeeper, Dubbo's defaults everywhere else. A gray and a base provider of each
 * {@code register-mode} (interface, instance, all), and a consumer on Dubbo's default
 * discovery migration (APPLICATION_FIRST) that starts while only interface-mode providers
 * exist, and moves to application-level addresses as the others come up, base ones first.
 * Every call, before, during and after that move, must reach its lane. On failure the logs of
 * every process are printed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class DubboSamplesScenarios {

    static final String TAG = "x-lanes-tag";
    static final String SERVICE = "org.apache.dubbo.samples.api.GreetingsService";
    static final String PROVIDER_APP = "greetings-provider";
    static final String CONSUMER_APP = "greetings-consumer";
    /** What the consumer's log says while the Lanes comparator keeps it on interface-level addresses. */
    static final String HOLDING = "staying on the interface-level addresses until the application-level addresses"
            + " have a provider of lanes [gray]";
    private static final Pattern ANSWER = Pattern.compile("hi \\S+ from (\\S+) lane (\\S+)");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, ServiceProcess> processes = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, Integer> dubboPorts = new LinkedHashMap<>();
    private ZooKeeperProcess zooKeeper;
    private Launch launch;
    private Path work;

    @RegisterExtension
    final TestWatcher dumpLogsOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            System.err.println("==== " + context.getDisplayName() + " failed on the samples of " + line().id()
                    + "; logs follow");
            dumpLogs();
        }
    };

    /** The Dubbo line; its id also switches the test on and off with -Dlanes.it.dubbo.lines. */
    abstract DemoLine line();

    /** The line's samples module under demo-services/dubbo-samples. */
    abstract String module();

    /** The protocol the line's application.yml names. */
    abstract String protocol();

    @BeforeAll
    void start() throws IOException {
        assumeTrue(DubboLaneScenarios.enabled(line()), line().id() + " is not among -Dlanes.it.dubbo.lines");
        Path agent = Paths.get(System.getProperty("lanes.agent.jar", "../../distribution/target/lanes-agent.jar"))
                .toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(agent), "agent jar missing at " + agent
                + "; build it with ./mvnw -B -DskipTests package");
        Path jar = DemoLine.repositoryRoot().resolve("demo-services/dubbo-samples").resolve(module())
                .resolve("target/dubbo-samples.jar");
        assertTrue(Files.isRegularFile(jar), "samples jar missing at " + jar
                + "; build it with ./mvnw -B -DskipTests package");
        work = Paths.get("target", "dubbo-samples-it", line().id()).toAbsolutePath();
        DubboLaneScenarios.deleteTree(work);
        Files.createDirectories(work);
        launch = new Launch(Launch.currentJava(), jar, agent, null, Launch.DEFAULT_JVM_ARGS);
        zooKeeper = ZooKeeperProcess.start(work);
    }

    @AfterAll
    void stop() {
        ServiceProcess.stopAll(new ArrayList<>(processes.values()));
        if (zooKeeper != null) {
            zooKeeper.close();
        }
    }

    // ------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void everyCallKeepsItsLaneWhileTheConsumerMovesToApplicationLevelAddresses() throws Exception {
        long started = System.nanoTime();
        // Only interface-level registration at first: the consumer starts on interface-level addresses.
        startAll(provider("gray-interface", "gray", "interface"), provider("base-interface", null, "interface"));
        await("the interface-mode providers registered", () -> interfaceUrls().size() == 2);
        ServiceProcess consumer = start(new InstanceSpec("consumer", CONSUMER_APP, "", null, LOOPBACK,
                commonArgs("consumer")));
        await("the consumer serving", () -> served(consumer, null).startsWith("base-interface "));
        await("the consumer reaching the gray provider", () -> served(consumer, "gray").startsWith("gray-interface "));

        Calls calls = new Calls(consumer);
        calls.start();
        try {
            // Base providers reach application level first: a consumer moving now would lose the gray lane.
            startAll(provider("base-instance", null, "instance"), provider("base-all", null, "all"));
            await("the base providers registered at application level", () -> instances().size() == 2);
            int windowStart = calls.count();
            // The consumer learns of them through Dubbo's service-name mapping; with the agent it
            // says at once that it stays where it is. Without, Dubbo moves it, and calls stray.
            awaitAtMost(20, () -> consumer.logText().contains(HOLDING));
            startAll(provider("gray-instance", "gray", "instance"), provider("gray-all", "gray", "all"));
            await("a gray provider registered at application level", () -> instances().size() > 2);
            // Calls made while the application-level addresses had base providers only.
            int inWindow = calls.count() - windowStart;
            // Only application-level addresses lead to the instance-mode providers.
            await("the consumer on application-level addresses", () -> calls.seen("gray-instance")
                    && calls.seen("base-instance"));
            int moved = calls.count();
            // Half of the calls tagged, half not, each kind with a gray and a base provider to
            // choose from on application-level addresses: with 20 of each after the move, a
            // consumer that chose at random would keep every call in its lane with probability
            // at most 2^-20 ≈ 9.5e-7 per kind.
            await("more calls after the move", () -> calls.count() >= moved + 2 * DubboLaneScenarios.REQUESTS);
            assertTrue(inWindow > 0, "no call was made while application-level addresses lacked the gray lane");
        } finally {
            calls.stop();
        }
        calls.assertEveryCallKeptItsLane();
        assertTrue(consumer.logText().contains(HOLDING), "the consumer never saw application-level addresses"
                + " without the gray lane: the move was not tested under the condition it is about");
        System.out.printf("%s samples: %d calls across the move, every one in its lane; %.1f s%n", line().id(),
                calls.count(), (System.nanoTime() - started) / 1e9);
    }

    @Test
    @Order(2)
    void theTagIsInTheRegistryUnderEveryRegisterModeAndDubbosMetadataServiceIsLeftAlone() throws Exception {
        // Mode 'all' registers at each level in turn: the calls may have moved before both are done.
        await("every provider registered", () -> interfaceUrls().size() == 4 && instances().size() == 4);
        List<String> urls = interfaceUrls();
        // Interface-level registration: the interface and all modes.
        assertTrue(providerUrl(urls, "gray-interface").contains("lanes.tag=gray"), urls.toString());
        assertTrue(providerUrl(urls, "gray-all").contains("lanes.tag=gray"), urls.toString());
        assertFalse(providerUrl(urls, "base-interface").contains("lanes.tag"), urls.toString());
        assertFalse(providerUrl(urls, "base-all").contains("lanes.tag"), urls.toString());
        assertEquals(4, urls.size(), urls.toString());
        for (String url : urls) {
            assertTrue(url.startsWith(protocol() + "://"), "not the line's protocol " + protocol() + ": " + url);
        }
        // Application-level registration: the instance and all modes.
        try (DubboLaneScenarios.Registry registry = new DubboLaneScenarios.Registry(zooKeeper.connectString())) {
            assertEquals(4, registry.children("/services/" + PROVIDER_APP).size());
            for (String name : List.of("gray-instance", "gray-all")) {
                String instance = registry.data("/services/" + PROVIDER_APP + "/127.0.0.1:" + dubboPorts.get(name));
                assertTrue(instance.contains("\"lanes.tag\":\"gray\""), name + ": " + instance);
            }
            for (String name : List.of("base-instance", "base-all")) {
                String instance = registry.data("/services/" + PROVIDER_APP + "/127.0.0.1:" + dubboPorts.get(name));
                assertFalse(instance.contains("lanes.tag"), name + ": " + instance);
            }
        }
        // The agent publishes its parameters on the user's service only, not on Dubbo's MetadataService.
        String grayLog = processes.get("gray-all").logText();
        assertTrue(grayLog.contains("exporting Dubbo service " + SERVICE + " with parameters lanes.tag=gray"),
                "gray-all did not publish its tag on " + SERVICE);
        assertTrue(grayLog.contains("org.apache.dubbo.metadata.MetadataService"),
                "gray-all exported no MetadataService, so there was nothing to leave alone");
        assertFalse(grayLog.contains("exporting Dubbo service org.apache.dubbo.metadata."),
                "the agent added parameters to Dubbo's own metadata service");
    }

    // ------------------------------------------------------------------------------------------

    /** Calls the consumer without pause, tagged and untagged in turn, and keeps every answer. */
    private final class Calls {
        private final ServiceProcess consumer;
        private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
        private final List<String> servedBy = Collections.synchronizedList(new ArrayList<>());
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        Calls(ServiceProcess consumer) {
            this.consumer = consumer;
            this.thread = new Thread(this::run, "samples-calls");
        }

        void start() {
            thread.start();
        }

        private void run() {
            for (int i = 0; running.get(); i++) {
                String tag = i % 2 == 0 ? "gray" : null;
                String answer = hi(consumer, tag);
                Matcher m = ANSWER.matcher(answer);
                if (!m.matches()) {
                    failures.add("call " + i + " (" + (tag == null ? "untagged" : "tagged " + tag) + "): " + answer);
                } else {
                    servedBy.add(m.group(1));
                    boolean inLane = tag == null ? m.group(1).startsWith("base-") && m.group(2).equals("-")
                            : m.group(1).startsWith(tag + "-") && m.group(2).equals(tag);
                    if (!inLane) {
                        failures.add("call " + i + " (" + (tag == null ? "untagged" : "tagged " + tag) + "): " + answer);
                    }
                }
                DubboLaneScenarios.sleep(20);
            }
        }

        int count() {
            return servedBy.size() + failures.size();
        }

        boolean seen(String provider) {
            return servedBy.contains(provider);
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(30_000);
        }

        void assertEveryCallKeptItsLane() {
            assertTrue(failures.isEmpty(), failures.size() + " of " + count() + " calls left their lane or failed: "
                    + failures.subList(0, Math.min(10, failures.size())));
        }
    }

    private InstanceSpec provider(String name, String tag, String registerMode) {
        int port = Ports.free();
        dubboPorts.put(name, port);
        List<String> args = new ArrayList<>(commonArgs("provider"));
        args.add("--dubbo.protocol.port=" + port);
        if (!"all".equals(registerMode)) {
            // 'all' is Dubbo 3's default: left alone.
            args.add("--dubbo.application.register-mode=" + registerMode);
        }
        return new InstanceSpec(name, PROVIDER_APP, "", tag, LOOPBACK, args);
    }

    /**
     * The tests stay on loopback, as the demo apps do: Dubbo refuses 127.0.0.1 as a configured
     * address, but registers the host name's address when it may use no network interface.
     */
    static final List<String> LOOPBACK = List.of("-Ddubbo.network.interface.ignored=.*");

    /** Only what differs between processes on one machine; everything else is application.yml. */
    private List<String> commonArgs(String profile) {
        return List.of("--spring.profiles.active=" + profile,
                "--dubbo.registry.address=zookeeper://" + zooKeeper.connectString(),
                // Several Dubbo applications on one machine would all want QoS port 22222.
                "--dubbo.application.qos-enable=false");
    }

    private ServiceProcess start(InstanceSpec spec) throws IOException {
        ServiceProcess process = ServiceProcess.start(launch, spec, zooKeeper.connectString(), work);
        processes.put(spec.name(), process);
        return process;
    }

    private void startAll(InstanceSpec... specs) throws IOException {
        for (InstanceSpec spec : specs) {
            start(spec);
        }
    }

    /** "gray-all lane gray" for an answer, or the failure as text. */
    private String served(ServiceProcess consumer, String tag) {
        Matcher m = ANSWER.matcher(hi(consumer, tag));
        return m.matches() ? m.group(1) + " lane " + m.group(2) : "";
    }

    private String hi(ServiceProcess consumer, String tag) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(consumer.baseUrl() + "/hi?name=lanes"))
                .timeout(Duration.ofSeconds(10));
        if (tag != null) {
            request.header(TAG, tag);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : "HTTP " + response.statusCode() + ": "
                    + response.body();
        } catch (IOException e) {
            return "no answer: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private List<String> interfaceUrls() throws Exception {
        try (DubboLaneScenarios.Registry registry = new DubboLaneScenarios.Registry(zooKeeper.connectString())) {
            List<String> urls = new ArrayList<>();
            for (String child : registry.children("/dubbo/" + SERVICE + "/providers")) {
                urls.add(URLDecoder.decode(child, StandardCharsets.UTF_8));
            }
            return urls;
        }
    }

    private String providerUrl(List<String> urls, String name) {
        String found = null;
        for (String url : urls) {
            if (url.contains("://127.0.0.1:" + dubboPorts.get(name) + "/")) {
                assertEquals(null, found, "two provider URLs of " + name + " in " + urls);
                found = url;
            }
        }
        assertTrue(found != null, "no provider URL of " + name + " in " + urls);
        return found;
    }

    /** Polls until the condition holds or {@code seconds} pass, whichever is first. */
    private static void awaitAtMost(int seconds, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            DubboLaneScenarios.sleep(250);
        }
    }

    /** The instances of the provider application at application level (instance and all modes). */
    private List<String> instances() throws Exception {
        try (DubboLaneScenarios.Registry registry = new DubboLaneScenarios.Registry(zooKeeper.connectString())) {
            return registry.children("/services/" + PROVIDER_APP);
        }
    }

    /**
     * Polls every 250 ms for up to 120 s (JVMs start slowly on a busy machine); fails naming what
     * it waited for. A process that died fails it at once.
     */
    private void await(String what, Checked condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            for (ServiceProcess process : new ArrayList<>(processes.values())) {
                if (!process.isAlive()) {
                    fail(what + ": " + process.name() + " exited; log " + process.logFile());
                }
            }
            try {
                if (condition.holds()) {
                    return;
                }
            } catch (KeeperException.NoNodeException notYet) {
                // Nothing registered yet.
            } catch (Exception e) {
                throw new AssertionError(what + ": " + e, e);
            }
            if (System.nanoTime() > deadline) {
                fail(what + ": not reached within 120 s");
            }
            DubboLaneScenarios.sleep(250);
        }
    }

    /** A condition that may read the registry. */
    interface Checked {
        boolean holds() throws Exception;
    }

    private void dumpLogs() {
        if (zooKeeper != null) {
            zooKeeper.dumpLog(System.err);
        }
        for (ServiceProcess process : new ArrayList<>(processes.values())) {
            process.dumpLog(System.err);
        }
    }
}
