package dev.lanes.it;

import com.sun.tools.attach.VirtualMachine;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent attached to a JVM that is already running ({@code Agent-Class}): by the jar's own
 * {@code attach} command, by jcmd and by the Attach API, and the input that must not reach the JVM.
 */
class AttachIT {

    private static final Duration READY = Duration.ofSeconds(60);

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "still running: " + command);
        return new Result(p.exitValue(), out);
    }

    /** {@code java [javaOptions] -jar lanes-agent.jar attach args...} */
    private static Result attach(List<String> javaOptions, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ChildJvm.java());
        command.addAll(javaOptions);
        command.addAll(List.of("-jar", ChildJvm.agentJar().toString(), "attach"));
        command.addAll(List.of(args));
        return run(command);
    }

    private static Result attach(String... args) throws Exception {
        return attach(List.of(), args);
    }

    private static Result jcmdLoad(ChildJvm jvm, String agentArgs) throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        // No shell: each list element is one argument, exactly as a shell passes "..." (quotes removed)
        // and '"..."' (double quotes kept).
        return run(List.of(jcmd, Long.toString(jvm.pid()), "JVMTI.agent_load", ChildJvm.agentJar().toString(),
                agentArgs));
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static ChildJvm hello(String name, String... jvmOptions) throws Exception {
        return ChildJvm.start(name, Apps.jvmOptions(jvmOptions), Apps.testClasses(), Apps.HELLO_MAIN);
    }

    @Test
    void attachCommandStartsLanesWithAllItsArguments() throws Exception {
        try (ChildJvm jvm = hello("attach-command").awaitReady(READY)) {
            Apps.verify(jvm, () -> {
                String pid = Long.toString(jvm.pid());
                Result listed = attach();
                assertEquals(0, listed.exit(), listed.output());
                assertTrue(listed.output().contains(pid + "\t" + Apps.HELLO_MAIN), listed.output());

                int port = freePort();
                Result started = attach(pid, "tag=gray,admin.port=" + port + ",app=attached");
                assertEquals(0, started.exit(), started.output());
                assertTrue(started.output().contains("Lanes started in JVM " + pid), started.output());

                String state = ChildJvm.get(port, "/lanes").body();
                assertTrue(state.contains("\"instanceTag\": \"gray\""), state);
                assertTrue(state.contains("\"application\": \"attached\""), state);
                assertTrue(state.contains("\"attached\": true"), state);
                assertTrue(state.contains("\"settingProblems\": []"), state);
                assertEquals("hello lanes", jvm.get("/hello"));

                Result again = attach(pid, "tag=blue");
                assertEquals(5, again.exit(), again.output());
                assertTrue(again.output().contains("Lanes already runs in JVM " + pid), again.output());
                assertTrue(ChildJvm.get(port, "/lanes").body().contains("\"instanceTag\": \"gray\""));
            });
        }
    }

    @Test
    void jcmdPassesTheWholeArgumentOnlyWhenQuotedTwice() throws Exception {
        try (ChildJvm quoted = hello("attach-jcmd-quoted").awaitReady(READY);
             ChildJvm unquoted = hello("attach-jcmd-unquoted").awaitReady(READY)) {
            Apps.verify(quoted, () -> Apps.verify(unquoted, () -> {
                int port = freePort();
                Result q = jcmdLoad(quoted, "\"tag=gray,admin.port=" + port + "\"");
                assertEquals(0, q.exit(), q.output());
                assertTrue(ChildJvm.get(port, "/lanes").body().contains("\"instanceTag\": \"gray\""));

                Result u = jcmdLoad(unquoted, "tag=gray,admin.port=" + freePort());
                assertEquals(0, u.exit(), u.output());
                assertTrue(unquoted.awaitLog("started (attached)", READY), "the agent did not start");
                String log = unquoted.log();
                assertTrue(log.contains("agent argument 'tag' is malformed"), log);
                assertTrue(log.contains("java -jar lanes-agent.jar attach <pid> tag=...,..."), log);
                assertTrue(log.contains("'\"tag=...,...\"'"), log);
                assertTrue(log.contains("tag=(base)"), log);
                assertFalse(log.contains("admin endpoint listening"), log);
                assertEquals("hello lanes", unquoted.get("/hello"));
            }));
        }
    }

    @Test
    void theAttachApiPassesTheWholeArgument() throws Exception {
        try (ChildJvm jvm = hello("attach-api").awaitReady(READY)) {
            Apps.verify(jvm, () -> {
                VirtualMachine vm = VirtualMachine.attach(Long.toString(jvm.pid()));
                try {
                    vm.loadAgent(ChildJvm.agentJar().toString(), "admin.port=0,tag=gray,app=attached");
                    assertEquals("started", vm.getSystemProperties().getProperty("dev.lanes.agent"));
                } finally {
                    vm.detach();
                }
                String state = ChildJvm.get(Apps.adminPort(jvm), "/lanes").body();
                assertTrue(state.contains("\"instanceTag\": \"gray\""), state);
                assertTrue(state.contains("\"attached\": true"), state);
                assertEquals("hello lanes", jvm.get("/hello"));
            });
        }
    }

    @Test
    void badInputIsRefusedAndNeverReachesTheTarget() throws Exception {
        Process notAJvm = new ProcessBuilder("sleep", "60").start();
        try (ChildJvm jvm = hello("attach-disabled", "-XX:+DisableAttachMechanism").awaitReady(READY)) {
            Apps.verify(jvm, () -> {
                String pid = Long.toString(jvm.pid());
                Result malformed = attach(pid, "tag=gray,admin.port=99999");
                assertEquals(1, malformed.exit(), malformed.output());
                assertTrue(malformed.output().contains("lanes.admin.port='99999' is invalid"), malformed.output());

                Result disabled = attach(pid, "tag=gray");
                assertEquals(4, disabled.exit(), disabled.output());
                assertTrue(disabled.output().contains("-XX:+DisableAttachMechanism"), disabled.output());

                Result noNumber = attach("service-a", "tag=gray");
                assertEquals(2, noNumber.exit(), noNumber.output());
                assertTrue(noNumber.output().contains("'service-a' is not a process id"), noNumber.output());

                Result noProcess = attach("999999999", "tag=gray");
                assertEquals(4, noProcess.exit(), noProcess.output());
                assertTrue(noProcess.output().contains("no process with id 999999999"), noProcess.output());

                // The Attach API wakes a JVM with SIGQUIT, which would end any other process.
                Result other = attach(Long.toString(notAJvm.pid()), "tag=gray");
                assertEquals(4, other.exit(), other.output());
                assertTrue(other.output().contains("is not a JVM"), other.output());
                assertTrue(notAJvm.isAlive(), "the process that is not a JVM was ended");

                // A JRE has no jdk.attach module; leaving it out of the boot layer stands in for one.
                Result jre = attach(List.of("--limit-modules", "java.base"), pid, "tag=gray");
                assertEquals(4, jre.exit(), jre.output());
                assertTrue(jre.output().contains("has no Attach API") && jre.output().contains("JDK"), jre.output());

                assertEquals("hello lanes", jvm.get("/hello"));
                assertFalse(jvm.log().contains("[lanes]"), jvm.log());
            });
        } finally {
            notAJvm.destroy();
            notAJvm.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
