package dev.lanes.demo.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class InstanceSpecTest {

    @Test
    void shorthandNamesTheServiceItsNextAndItsTag() {
        InstanceSpec a = InstanceSpec.of("a-base");
        assertEquals("service-a", a.service());
        assertEquals("service-b", a.next());
        assertNull(a.tag());
        InstanceSpec c = InstanceSpec.of("c-dev1");
        assertEquals("service-c", c.service());
        assertEquals("", c.next());
        assertEquals("dev1", c.tag());
    }

    @Test
    void dubboChainShorthandPutsAProviderDBetweenBAndC() {
        InstanceSpec b = InstanceSpec.ofDubboChain("b-base");
        assertEquals("dubbo:service-d", b.next());
        assertEquals("service-d", b.nextService());
        assertFalse(b.isDubboProvider());
        InstanceSpec d = InstanceSpec.ofDubboChain("d-gray");
        assertEquals("service-d", d.service());
        assertEquals("service-c", d.next());
        assertEquals("gray", d.tag());
        assertTrue(d.isDubboProvider());
        assertEquals("service-b", InstanceSpec.ofDubboChain("a-gray").next());
        assertEquals("", InstanceSpec.ofDubboChain("c-base").next());
        assertThrows(IllegalArgumentException.class, () -> InstanceSpec.ofDubboChain("e-base"));
    }

    @Test
    void rejectsNamesOutsideTheChain() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InstanceSpec.of("d-gray"));
        assertTrue(e.getMessage().contains("'d-gray'"), e.getMessage());
    }

    @Test
    void commandCarriesAgentTagAndRole() {
        Launch launch = new Launch(Launch.currentJava(), Launch.currentJava(), Launch.currentJava(), "rules=x",
                List.of("-Xmx64m"));
        List<String> command = ServiceProcess.command(launch, InstanceSpec.of("b-gray").withJvmArgs("-Dk=v"),
                "127.0.0.1:2181", 4321);
        assertEquals("-javaagent:" + Launch.currentJava() + "=rules=x", command.get(1));
        assertEquals("-Dlanes.tag=gray", command.get(2));
        assertTrue(command.indexOf("-Xmx64m") < command.indexOf("-Dk=v"));
        assertTrue(command.indexOf("-Dk=v") < command.indexOf("-jar"));
        assertTrue(command.contains("--server.port=4321"));
        assertTrue(command.contains("--spring.application.name=service-b"));
        assertTrue(command.contains("--demo.next=service-c"));
        assertTrue(command.contains("--demo.instance=b-gray"));
        assertTrue(command.contains("--spring.cloud.zookeeper.connect-string=127.0.0.1:2181"));
        assertTrue(command.contains("--demo.dubbo.registry=zookeeper://127.0.0.1:2181"));

        List<String> provider = ServiceProcess.command(launch, InstanceSpec.ofDubboChain("d-base"),
                List.of("--registry"), 4321, "127.0.0.1:2181", 4322, java.nio.file.Path.of("/tmp/d-base.home"));
        assertTrue(provider.contains("--demo.dubbo.port=4322"), provider.toString());
        assertTrue(provider.contains(InstanceSpec.DUBBO_PROVIDER_ARG), provider.toString());
        assertTrue(provider.indexOf("-Duser.home=/tmp/d-base.home") < provider.indexOf("-jar"), provider.toString());
    }
}
