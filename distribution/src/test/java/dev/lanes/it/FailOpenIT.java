package dev.lanes.it;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real JVMs with the agent and something wrong: the application must start and answer
 * normally every time, and the agent must say clearly what was wrong.
 */
class FailOpenIT {

    private static final Duration START = Duration.ofSeconds(60);

    @Test
    void malformedAgentArgumentsAreReportedAndIgnored() throws Exception {
        String args = "tag=@@bad,admin.port=notanumber,junk,colour=blue,log.level=info";
        try (ChildJvm jvm = ChildJvm.start("bad-args", Apps.jvmOptions(Apps.agentOption(args)),
                Apps.testClasses(), Apps.HELLO_MAIN).awaitReady(START)) {
            Apps.verify(jvm, () -> {
                assertEquals("hello lanes", jvm.get("/hello"));
                String log = jvm.log();
                assertTrue(log.contains("lanes.tag='@@bad' is invalid"), "names the bad tag");
                assertTrue(log.contains("lanes.admin.port='notanumber' is invalid"), "names the bad port");
                assertTrue(log.contains("agent argument 'junk' is malformed"), "names the malformed argument");
                assertTrue(log.contains("unknown setting 'lanes.colour'"), "names the unknown setting");
                assertTrue(log.contains("Lanes " ) && log.contains(" started"), "the agent still started");
            });
        }
    }

    @Test
    void pluginThatThrowsAtStartAndAdviceThatThrowsAtRunTime() throws Exception {
        Path extension = Apps.extensionJar();
        String args = "extensions=" + extension + ",admin.port=0";
        try (ChildJvm jvm = ChildJvm.start("faulty-plugins", Apps.jvmOptions(Apps.agentOption(args)),
                Apps.testClasses(), Apps.HELLO_MAIN).awaitReady(START)) {
            Apps.verify(jvm, () -> {
                for (int i = 0; i < 5; i++) {
                    assertEquals("hello lanes", jvm.get("/hello"));
                }
                int admin = Apps.adminPort(jvm);
                String state = ChildJvm.get(admin, "/lanes").body();
                String installed = Apps.between(state, "\"installed\":", "\"disabled\":");
                String failed = Apps.between(state, "\"failed\":", "\"rules\":");
                assertTrue(failed.contains("\"name\": \"throwing-start\""),
                        "the plugin that threw at start is listed as failed: " + state);
                assertTrue(installed.contains("\"name\": \"throwing-advice\""),
                        "the plugin with throwing advice is installed: " + state);
                assertTrue(state.contains("\"advice:example.app.Greeter.greet\": 10"),
                        "each of 5 calls counted two advice faults: " + state);
                String log = jvm.log();
                assertEquals(1, Apps.count(log, "test plugin fails at start on purpose"), "start fault logged once");
                assertEquals(1, Apps.count(log, "fault in advice:example.app.Greeter.greet"),
                        "advice fault logged once");
            });
        } finally {
            Files.deleteIfExists(extension);
        }
    }

    @Test
    void anApplicationWhoseMainReturnsExitsWithTheAdminEndpointAndARuleSourceOn() throws Exception {
        Path rules = Files.createTempFile("lanes-it-returning-", ".yaml");
        Files.writeString(rules, "version: one\n");
        String args = "admin.port=0,rules=file:" + rules;
        try (ChildJvm jvm = ChildJvm.start("returning", Apps.jvmOptions(Apps.agentOption(args)), Apps.testClasses(),
                "example.app.ReturningApp")) {
            assertTrue(jvm.awaitExit(Duration.ofSeconds(60)), "the JVM exits once main returned\n" + jvm.describe());
            String log = jvm.log();
            assertTrue(log.contains("DONE hello lanes"), log);
            assertTrue(log.contains("admin endpoint listening"), "the endpoint was on: " + log);
        } finally {
            Files.deleteIfExists(rules);
        }
    }

    @Test
    void rulesFileThatDoesNotExist() throws Exception {
        Path missing = Path.of(System.getProperty("java.io.tmpdir"), "lanes-no-such-dir", "rules.yaml");
        String args = "rules=file:" + missing;
        try (ChildJvm jvm = ChildJvm.start("missing-rules", Apps.jvmOptions(Apps.agentOption(args)),
                Apps.testClasses(), Apps.HELLO_MAIN).awaitReady(START)) {
            Apps.verify(jvm, () -> {
                assertEquals("hello lanes", jvm.get("/hello"));
                assertTrue(jvm.awaitLog(missing.toString(), Duration.ofSeconds(10)), "the log names the missing file");
            });
        }
    }

    @Test
    void rulesFileThatDoesNotParse() throws Exception {
        Path rules = Files.createTempFile("lanes-broken-rules-", ".yaml");
        Files.writeString(rules, "lanes:\n  - name: gray\n    tag: [unclosed\n");
        String args = "rules=file:" + rules + ",admin.port=0";
        try (ChildJvm jvm = ChildJvm.start("broken-rules", Apps.jvmOptions(Apps.agentOption(args)),
                Apps.testClasses(), Apps.HELLO_MAIN).awaitReady(START)) {
            Apps.verify(jvm, () -> {
                assertEquals("hello lanes", jvm.get("/hello"));
                String state = ChildJvm.get(Apps.adminPort(jvm), "/lanes").body();
                assertTrue(state.contains("\"lastError\": {"), "the admin endpoint shows the rule error: " + state);
                assertTrue(state.contains("line"), "the error names a line: " + state);
            });
        } finally {
            Files.deleteIfExists(rules);
        }
    }
}
