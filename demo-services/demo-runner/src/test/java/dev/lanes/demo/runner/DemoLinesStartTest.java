package dev.lanes.demo.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Spring line's jar starts, registers in ZooKeeper, calls the next service through the
 * load balancer, and reports a failed call with 502; on Java 25 where that JDK is installed
 * (-Dlanes.demo.java25 names another JDK home), and on this JVM's Java (see {@link #javas()}). The Dubbo lines are
 * started by the Dubbo integration tests (dubbo-it).
 */
class DemoLinesStartTest {

    private static final Path WORK = Path.of("target", "demo-lines");
    private static ZooKeeperProcess zooKeeper;

    @BeforeAll
    static void startZooKeeper() throws IOException {
        zooKeeper = ZooKeeperProcess.start(WORK);
    }

    @AfterAll
    static void stopZooKeeper() {
        if (zooKeeper != null) {
            zooKeeper.close();
        }
    }

    /**
     * Java 25 where it is installed; this JVM's Java when it is not, or with
     * -Dlanes.it.full-matrix=true: on it, every Spring line already starts and calls through the
     * load balancer in its scenario tests (with the agent), so the default suite skips it here.
     */
    static Stream<Path> javas() {
        List<Path> javas = new ArrayList<>();
        Path java25 = Paths.get(System.getProperty("lanes.demo.java25", "/usr/lib/jvm/temurin-25-jdk-amd64"),
                "bin", "java");
        if (!Files.isExecutable(java25) || Boolean.getBoolean("lanes.it.full-matrix")) {
            javas.add(Launch.currentJava());
        }
        if (Files.isExecutable(java25)) {
            javas.add(java25);
        }
        return javas.stream();
    }

    /** One caller and one callee per line, each pair under its own service names. */
    private record Pair(DemoLine line, ServiceProcess caller, ServiceProcess callee) {
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("javas")
    void everyLineCallsThroughTheLoadBalancerAndReportsFailures(Path java) throws IOException {
        String jdk = jdkName(java);
        List<Pair> pairs = new ArrayList<>();
        List<ServiceProcess> started = new ArrayList<>();
        try {
            for (DemoLine line : DemoLine.springLines()) {
                Launch launch = Launch.of(line).withJava(java);
                String callerService = "caller-" + line.id();
                String calleeService = "callee-" + line.id();
                ServiceProcess callee = ServiceProcess.start(launch, new InstanceSpec(
                        line.id() + "-callee-" + jdk, calleeService, "", null, List.of(), List.of()),
                        zooKeeper.connectString(), WORK);
                started.add(callee);
                ServiceProcess caller = ServiceProcess.start(launch, new InstanceSpec(
                        line.id() + "-caller-" + jdk, callerService, calleeService, null, List.of(), List.of()),
                        zooKeeper.connectString(), WORK);
                started.add(caller);
                pairs.add(new Pair(line, caller, callee));
            }
            for (ServiceProcess instance : started) {
                instance.awaitReady(Duration.ofSeconds(180));
            }
            ChainClient client = new ChainClient();
            for (Pair pair : pairs) {
                awaitSeen(pair.caller(), pair.callee().spec().service(), Set.of(pair.callee().port()));
                ChainResponse response = client.get(pair.caller().baseUrl());
                assertEquals(200, response.status(), pair.line() + ": " + response.body());
                assertEquals(List.of(pair.caller().name(), pair.callee().name()), response.instances(),
                        pair.line() + ": " + response.body());
                for (int i = 0; i < 2; i++) {
                    ServiceProcess served = i == 0 ? pair.caller() : pair.callee();
                    Hop hop = response.hops().get(i);
                    assertEquals(served.spec().service(), hop.service(), response.body());
                    assertEquals("127.0.0.1", hop.host(), response.body());
                    assertEquals(served.port(), hop.port(), response.body());
                    assertNull(hop.tag(), response.body());
                }
            }
            for (Pair pair : pairs) {
                pair.callee().stop();
            }
            for (Pair pair : pairs) {
                awaitSeen(pair.caller(), pair.callee().spec().service(), Set.of());
                ChainResponse response = client.get(pair.caller().baseUrl());
                assertEquals(502, response.status(), pair.line() + ": " + response.body());
                assertEquals(List.of(pair.caller().name()), response.instances(), response.body());
                assertEquals(pair.callee().spec().service(), response.error().get("calling"), response.body());
                assertTrue(response.errorMessage().contains(pair.callee().spec().service()), response.body());
            }
        } catch (AssertionError | RuntimeException e) {
            for (ServiceProcess instance : started) {
                instance.dumpLog(System.err);
            }
            throw e;
        } finally {
            for (ServiceProcess instance : started) {
                instance.stop();
            }
        }
    }

    private static void awaitSeen(ServiceProcess caller, String service, Set<Integer> ports) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Set<Integer> seen = caller.discoveredPorts(service);
        while (!ports.equals(seen)) {
            if (System.nanoTime() > deadline) {
                fail(caller.name() + " sees " + service + " on " + seen + ", expected " + ports);
            }
            ZooKeeperProcess.sleep(200);
            seen = caller.discoveredPorts(service);
        }
    }

    /** e.g. temurin-25-jdk-amd64 for /usr/lib/jvm/temurin-25-jdk-amd64/bin/java */
    private static String jdkName(Path java) {
        Path home = java.toAbsolutePath().getParent().getParent();
        return home == null ? "java" : home.getFileName().toString();
    }
}
