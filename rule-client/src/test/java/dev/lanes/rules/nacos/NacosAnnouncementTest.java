package dev.lanes.rules.nacos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alibaba.nacos.api.naming.pojo.Instance;
import dev.lanes.core.rules.RuleStore;
import dev.lanes.core.rules.source.AgentAnnouncement;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Announcements through nacos-client's NamingService interface, on an in-memory naming server:
 * an ephemeral instance of {@code lanes-agents} in the rules' group, registered on the source's
 * own thread, listed by the console through one client, withdrawn at close.
 */
class NacosAnnouncementTest {

    private static final String LOCATION = "//127.0.0.1:8848?namespace=dev&group=LANES";

    private final InMemoryConfigService.Server config = new InMemoryConfigService.Server();
    private final InMemoryNaming naming = new InMemoryNaming();
    private final RuleStore store = new RuleStore();
    private final NacosRuleSource source = new NacosRuleSource(config.factory(), naming.factory(), 50L);
    private final NacosRuleSource console = new NacosRuleSource(config.factory(), naming.factory(), 50L);

    @AfterEach
    void stop() throws Exception {
        source.close();
        console.close();
        config.stop();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000L;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void anAnnouncedAgentIsAnEphemeralInstanceListedUntilItsSourceCloses() throws Exception {
        config.publish("orders.lanes-rules.yaml", "LANES", "version: o1\n");
        assertEquals(List.of(), console.announced(LOCATION, 1000L), "nobody announced yet");
        source.start(LOCATION, "orders", store.sinkFor("nacos:" + LOCATION));
        assertTrue(source.announce(AgentAnnouncement.ofThisJvm("orders", "gray", 9464, 1234L)));
        await("the instance", () -> naming.instances("LANES", "lanes-agents").size() == 1);

        Instance i = naming.instances("LANES", "lanes-agents").get(0);
        assertTrue(i.isEphemeral(), "gone when the JVM's connection ends");
        assertEquals(List.of("lanes-rules-nacos"), naming.registeredOn, "registered on the source's thread");
        assertEquals(AgentAnnouncement.thisHost(), i.getIp());
        assertEquals(9464, i.getPort());
        Map<String, String> m = i.getMetadata();
        assertEquals("orders", m.get("application"));
        assertEquals("gray", m.get("instanceTag"));
        assertEquals("127.0.0.1:9464", m.get("admin"));
        assertEquals("1234", m.get("startedAt"));
        assertEquals(String.valueOf(ProcessHandle.current().pid()), m.get("pid"));
        assertEquals("dev", naming.created.get(0).getProperty("namespace"), "the rules' namespace");
        assertEquals("o1", store.current().version(), "rules as before");

        AgentAnnouncement listed = console.announced(LOCATION, 1000L).get(0);
        assertEquals("127.0.0.1:9464", listed.admin());
        assertEquals("gray", listed.instanceTag());
        assertEquals(ProcessHandle.current().pid(), listed.pid());
        assertEquals(List.of(), console.announced("//127.0.0.1:8848?namespace=dev&group=OTHER", 1000L),
                "another group's fleet");

        source.close();
        assertEquals(List.of(), console.announced(LOCATION, 1000L), "deregistered at close");
    }

    @Test
    void aRegistrationThatFailsIsRetriedAndRulesGoOn() throws Exception {
        naming.failNextRegistrations.set(3);
        config.publish("orders.lanes-rules.yaml", "LANES", "version: o1\n");
        source.start(LOCATION, "orders", store.sinkFor("nacos:" + LOCATION));
        source.announce(AgentAnnouncement.ofThisJvm("orders", null, 9465, 1L));
        await("the instance after three failures", () -> naming.instances("LANES", "lanes-agents").size() == 1);
        assertEquals("o1", store.current().version());
        assertEquals(0L, store.sourceErrorCount(), "a failed announcement is not a rules failure");
        assertFalse(naming.instances("LANES", "lanes-agents").get(0).getMetadata().containsKey("instanceTag"),
                "a base agent has no tag");
    }

    @Test
    void anInstanceWithoutAnAdminAddressIsLeftOut() throws Exception {
        Instance foreign = new Instance();
        foreign.setIp("10.0.0.9");
        foreign.setPort(8080);
        naming.services.put("LANES@@lanes-agents", new java.util.concurrent.CopyOnWriteArrayList<>(List.of(foreign)));
        assertEquals(List.of(), console.announced(LOCATION, 1000L));
    }

    @Test
    void theConsoleKeepsOneNamingClientForItsPollsAndShutsItDownAtClose() throws Exception {
        for (int i = 0; i < 5; i++) {
            console.announced(LOCATION, 1500L);
        }
        assertEquals(1, naming.created.size(), "one client for every poll");
        assertEquals("1500", naming.created.get(0).getProperty("namingRequestTimeout"));
        console.close();
        assertEquals(1, naming.shutDowns.get());
        assertThrows(IllegalStateException.class, () -> console.announced(LOCATION, 1000L));
    }

    @Test
    void aSourceNotStartedAnnouncesNothing() {
        assertFalse(source.announce(AgentAnnouncement.ofThisJvm("orders", null, 9466, 1L)));
        assertEquals(0, naming.created.size());
    }
}
