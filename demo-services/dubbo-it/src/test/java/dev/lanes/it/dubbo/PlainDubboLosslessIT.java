package dev.lanes.it.dubbo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.lanes.demo.runner.DemoLine;
import dev.lanes.demo.runner.ZooKeeperProcess;

/**
 * Lossless online and offline for a Dubbo provider that no Spring drives (Dubbo's API alone,
 * {@code DubboBootstrap.start()}), on Apache Dubbo 3.3.6: the end of Dubbo's start is the ready
 * point, so the provider URL and the application's instance are held until then plus
 * {@code lossless.registrationDelay} (3 s here), and withdrawn first at SIGTERM.
 */
class PlainDubboLosslessIT {

    private static final String SERVICE = "dev.lanes.demo.dubbo.ChainService";
    private static final String PROVIDERS = "/dubbo/" + SERVICE + "/providers";

    @Test
    @Timeout(240)
    void registrationsWaitForTheEndOfDubbosStartAndLeaveFirstAtShutdown() throws Exception {
        assumeTrue(DubboLaneScenarios.enabled(DemoLine.DUBBO33), "dubbo33 is not among -Dlanes.it.dubbo.lines");
        Path agent = Paths.get(System.getProperty("lanes.agent.jar", "../../distribution/target/lanes-agent.jar"))
                .toAbsolutePath().normalize();
        Path work = Paths.get("target", "dubbo-it", "plain-dubbo").toAbsolutePath();
        Files.createDirectories(work);
        Path rules = work.resolve("rules.yaml");
        Files.writeString(rules, "lossless: {registrationDelay: 3s, drain: 5s}\n");
        Path log = work.resolve("provider.log");
        try (ZooKeeperProcess zk = ZooKeeperProcess.start(work.resolve("zookeeper"));
                DubboLaneScenarios.Registry registry = new DubboLaneScenarios.Registry(zk.connectString())) {
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-javaagent:" + agent,
                    "-Dlanes.rules=file:" + rules, "-Dloader.main=dev.lanes.demo.app.dubbo.PlainDubboProvider",
                    "-cp", DemoLine.DUBBO33.appJar().toString(),
                    "org.springframework.boot.loader.launch.PropertiesLauncher", zk.connectString(), "plain-provider"));
            Process provider = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            try {
                // Dubbo's start ends: the agent says so, and nothing is in ZooKeeper yet.
                await(() -> read(log).contains("lossless: the application is ready (Dubbo application started)"), log, "Dubbo's start to end");
                assertEquals(List.of(), providers(registry), "registered before registrationDelay: " + read(log));
                assertTrue(read(log).contains("lossless: holding back the registration of Dubbo provider " + SERVICE),
                        read(log));
                assertTrue(read(log).contains("lossless: holding back the registration of Dubbo application instance"),
                        read(log));
                // Then it registers, both levels.
                await(() -> providers(registry).size() == 1, log, "the provider URL in ZooKeeper");
                await(() -> instances(registry).size() == 1, log, "the application instance in ZooKeeper");
                assertTrue(read(log).contains("plain Dubbo provider plain-provider started"), read(log));

                // SIGTERM: both leave ZooKeeper before the process ends.
                provider.destroy();
                await(() -> read(log).contains("lossless: deregistered Dubbo provider " + SERVICE), log,
                        "the provider URL withdrawn");
                assertTrue(read(log).contains("lossless: deregistered Dubbo application instance"), read(log));
                await(() -> providers(registry).isEmpty() && instances(registry).isEmpty(), log,
                        "ZooKeeper empty");
                assertTrue(provider.waitFor(60, TimeUnit.SECONDS), "the provider did not stop: " + read(log));
            } finally {
                provider.destroyForcibly();
                provider.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static List<String> providers(DubboLaneScenarios.Registry registry) {
        return childrenOrNone(registry, PROVIDERS);
    }

    private static List<String> instances(DubboLaneScenarios.Registry registry) {
        return childrenOrNone(registry, "/services/plain-provider");
    }

    private static List<String> childrenOrNone(DubboLaneScenarios.Registry registry, String path) {
        try {
            return registry.children(path);
        } catch (org.apache.zookeeper.KeeperException.NoNodeException e) {
            return List.of();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static void await(BooleanSupplier condition, Path log, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not within 90 s: " + what + "; log:\n" + read(log));
            }
            Thread.sleep(100);
        }
    }
}
