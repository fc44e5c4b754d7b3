package dev.lanes.demo.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class DemoMainTest {

    @Test
    void defaultsAreTheAgentOfTheBuildAndTheDefaultLine() {
        DemoMain.Options options = DemoMain.Options.parse(new String[0]);
        assertNull(options.agentJar());
        assertFalse(options.noAgent());
        assertFalse(options.keep());
        assertEquals(DemoLine.DEFAULT, options.line());
        assertEquals(20, options.requests());
    }

    @Test
    void readsEveryOption() {
        DemoMain.Options options = DemoMain.Options.parse(new String[] {
            "x/agent.jar", "--keep", "--line", "boot27", "--java", "/opt/jdk", "--requests", "5", "--no-agent"});
        assertEquals(Path.of("x/agent.jar"), options.agentJar());
        assertTrue(options.keep());
        assertTrue(options.noAgent());
        assertEquals(DemoLine.BOOT27, options.line());
        assertEquals(Path.of("/opt/jdk"), options.java());
        assertEquals(5, options.requests());
    }

    @Test
    void rejectsMistakesNamingThem() {
        RuntimeException unknown = assertThrows(RuntimeException.class,
                () -> DemoMain.Options.parse(new String[] {"--kep"}));
        assertTrue(unknown.getMessage().contains("--kep"), unknown.getMessage());
        RuntimeException line = assertThrows(RuntimeException.class,
                () -> DemoMain.Options.parse(new String[] {"--line", "boot30"}));
        assertTrue(line.getMessage().contains("boot30") && line.getMessage().contains("boot35"), line.getMessage());
        RuntimeException count = assertThrows(RuntimeException.class,
                () -> DemoMain.Options.parse(new String[] {"--requests", "0"}));
        assertTrue(count.getMessage().contains("'0'"), count.getMessage());
        assertThrows(RuntimeException.class, () -> DemoMain.Options.parse(new String[] {"--java"}));
    }

    @Test
    void describesAFailureWithThePathSoFar() {
        ChainResponse failed = ChainResponse.parse(502, "{\"hops\":[{\"instance\":\"a-base\",\"seenTag\":\"gray\"},"
                + "{\"instance\":\"b-base\",\"seenTag\":\"gray\"}],\"error\":{\"service\":\"service-b\","
                + "\"calling\":\"service-c\",\"status\":null,\"message\":\"no instance of lane gray\"}}");
        assertEquals("a-base -> b-base -> FAILED (HTTP 502: no instance of lane gray)", DemoMain.describe(failed));
        assertEquals("gray, gray", DemoMain.tagsSeen(failed));
        assertEquals("-, -", DemoMain.envSeen(failed));
    }

    @Test
    void showsTheEnvironmentHeaderEachHopSaw() {
        ChainResponse response = ChainResponse.parse(200, "{\"hops\":[{\"instance\":\"a-base\",\"seenEnv\":\"dev1\"},"
                + "{\"instance\":\"b-base\",\"seenEnv\":\"dev1\"},{\"instance\":\"c-gray\",\"seenEnv\":null}]}");
        assertEquals("dev1, dev1, -", DemoMain.envSeen(response));
        assertEquals("-, -, -", DemoMain.tagsSeen(response));
    }
}
