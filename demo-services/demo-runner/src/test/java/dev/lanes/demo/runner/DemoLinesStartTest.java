package dev.lanes.demo.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every line's jar starts, registers in ZooKeeper and answers, on this JVM's Java and on
 * Java 25 where that JDK is installed (-Dlanes.demo.java25 names another place).
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

    static Stream<Path> javas() {
        List<Path> javas = new ArrayList<>();
        javas.add(Launch.currentJava());
        Path java25 = Paths.get(System.getProperty("lanes.demo.java25", "/usr/lib/jvm/temurin-25-jdk-amd64"),
                "bin", "java");
        if (Files.isExecutable(java25)) {
            javas.add(java25);
        }
        return javas.stream();
    }

    /** e.g. temurin-25-jdk-amd64 for /usr/lib/jvm/temurin-25-jdk-amd64/bin/java */
    private static String jdkName(Path java) {
        Path home = java.toAbsolutePath().getParent().getParent();
        return home == null ? "java" : home.getFileName().toString();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("javas")
    void everyLineStartsAndAnswers(Path java) throws IOException {
        List<ServiceProcess> started = new ArrayList<>();
        try {
            // All lines at once: the same JDK, one instance each, as the last service of a chain.
            for (DemoLine line : DemoLine.values()) {
                InstanceSpec spec = new InstanceSpec(line.id() + "-on-" + jdkName(java),
                        "service-" + line.id(), "", null, List.of(), List.of());
                started.add(ServiceProcess.start(Launch.of(line).withJava(java), spec, zooKeeper.connectString(), WORK));
            }
            ChainClient client = new ChainClient();
            for (ServiceProcess instance : started) {
                instance.awaitReady(Duration.ofSeconds(180));
                ChainResponse response = client.get(instance.baseUrl());
                assertEquals(200, response.status(), response.body());
                assertEquals(1, response.hops().size(), response.body());
                Hop hop = response.hops().get(0);
                assertEquals(instance.spec().service(), hop.service(), response.body());
                assertEquals(instance.name(), hop.instance(), response.body());
                assertEquals("127.0.0.1", hop.host(), response.body());
                assertEquals(instance.port(), hop.port(), response.body());
                assertNull(hop.tag(), response.body());
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
}
