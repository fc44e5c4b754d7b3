package dev.lanes.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code console}'s arguments: help, and a clear error with exit code 2 for each mistake. */
class ConsoleCommandTest {

    private static void refused(String expected, String... args) {
        LanesCliTest.Result r = LanesCliTest.run(args);
        assertEquals(LanesCli.USAGE, r.exit(), r.err());
        assertTrue(r.err().contains(expected), r.err());
    }

    @Test
    void helpSaysHowToStartIt() {
        LanesCliTest.Result r = LanesCliTest.run("console", "--help");
        assertEquals(LanesCli.OK, r.exit());
        assertTrue(r.out().contains("--rules SOURCE"), r.out());
        assertTrue(r.out().contains("--token"), r.out());
    }

    @Test
    void badArgumentsAreNamed() {
        refused("give --rules SOURCE or --agent HOST:PORT", "console");
        refused("--agent localhost: expected HOST:PORT", "console", "--agent", "localhost");
        refused("--port 70000: expected a TCP port", "console", "--agent", "127.0.0.1:9464", "--port", "70000");
        refused("--interval 10ms: expected a duration from 200ms to 60s", "console", "--agent", "127.0.0.1:9464",
                "--interval", "10ms");
        refused("--token: expected at least 16 characters", "console", "--agent", "127.0.0.1:9464", "--token", "x");
        refused("unknown option --colour", "console", "--agent", "127.0.0.1:9464", "--colour", "red");
        refused("names the unknown scheme 'etcd'", "console", "--rules", "etcd://127.0.0.1:2379");
    }
}
