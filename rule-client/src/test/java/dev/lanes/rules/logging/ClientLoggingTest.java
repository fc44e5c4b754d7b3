package dev.lanes.rules.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * The rule-center clients' log lines reach the agent's log at its level: lines that say nothing
 * the user can act on are debug lines. Each case runs in a JVM of its own, since the agent's log
 * writes to the standard error it found at start.
 */
class ClientLoggingTest {

    /** Logs what nacos-client and its gRPC log on every start and after every push, then exits. */
    public static final class Probe {
        public static void main(String[] args) {
            dev.lanes.bridge.AgentLog.setLevel(dev.lanes.bridge.AgentLog.parseLevel(args[0]));
            org.slf4j.LoggerFactory.getLogger("dev.lanes.shaded.nacos.client.logging.NacosLogging")
                    .warn("Nacos Logging don't find adapter, logging will print into application logs.");
            JulForwarding.install("dev.lanes.shaded.nacos");
            Logger.getLogger("dev.lanes.shaded.nacos.shaded.io.grpc.internal.AbstractClientStream")
                    .log(Level.INFO, "Received trailers on closed stream:\n {0}", "Status{code=OK}");
            org.slf4j.LoggerFactory.getLogger("dev.lanes.shaded.nacos.client.config.impl.ClientWorker")
                    .warn("a warning that matters");
            Logger.getLogger("dev.lanes.shaded.nacos.shaded.io.grpc.internal.ManagedChannelImpl")
                    .log(Level.WARNING, "a gRPC warning that matters");
        }
    }

    private static String run(String level) throws Exception {
        Process p = new ProcessBuilder(System.getProperty("java.home") + File.separator + "bin" + File.separator
                + "java", "-cp", System.getProperty("java.class.path"), Probe.class.getName(), level)
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the probe exits");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void atTheDefaultLevelOnlyTheWarningsThatMatterShow() throws Exception {
        String out = run("info");
        assertFalse(out.contains("don't find adapter"), out);
        assertFalse(out.contains("Received trailers on closed stream"), out);
        assertTrue(out.contains("WARN nacos ClientWorker: a warning that matters"), out);
        assertTrue(out.contains("WARN nacos ManagedChannelImpl: a gRPC warning that matters"), out);
        List<String> lines = out.lines().filter(l -> l.contains("[lanes]")).toList();
        assertEquals(2, lines.size(), out);
    }

    @Test
    void atDebugTheyAreDebugLinesOfTheAgentsLog() throws Exception {
        String out = run("debug");
        assertTrue(out.contains("[lanes] DEBUG nacos NacosLogging: Nacos Logging don't find adapter"), out);
        assertTrue(out.contains("[lanes] DEBUG nacos AbstractClientStream: Received trailers on closed stream"), out);
    }
}
