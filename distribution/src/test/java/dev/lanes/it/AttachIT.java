package dev.lanes.it;

import com.sun.tools.attach.VirtualMachine;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agent attached to a JVM that is already running ({@code Agent-Class}). */
class AttachIT {

    @Test
    void attachesToARunningApplication() throws Exception {
        try (ChildJvm jvm = ChildJvm.start("attach", Apps.jvmOptions(), Apps.testClasses(), Apps.HELLO_MAIN)
                .awaitReady(Duration.ofSeconds(60))) {
            Apps.verify(jvm, () -> {
                assertEquals("hello lanes", jvm.get("/hello"));
                VirtualMachine vm = VirtualMachine.attach(Long.toString(jvm.pid()));
                try {
                    vm.loadAgent(ChildJvm.agentJar().toString(), "admin.port=0,tag=gray,app=attached");
                } finally {
                    vm.detach();
                }
                String state = ChildJvm.get(Apps.adminPort(jvm), "/lanes").body();
                assertTrue(state.contains("\"instanceTag\": \"gray\""), state);
                assertTrue(state.contains("\"application\": \"attached\""), state);
                assertTrue(state.contains("\"attached\": true"), state);
                assertEquals("hello lanes", jvm.get("/hello"));
            });
        }
    }
}
