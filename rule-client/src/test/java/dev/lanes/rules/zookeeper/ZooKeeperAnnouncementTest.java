package dev.lanes.rules.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.core.rules.RuleStore;
import dev.lanes.core.rules.source.AgentAnnouncement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Announcements through a real ZooKeeper server: an ephemeral node under {@code /<parent>/agents},
 * listed by the console's read, gone when the source closes, and back after the session was lost;
 * the console's look-ups share one connection, which outlives a ZooKeeper restart.
 */
class ZooKeeperAnnouncementTest {

    private static ZooKeeperProcess zk;

    @BeforeAll
    static void startZooKeeper() throws Exception {
        zk = ZooKeeperProcess.start();
    }

    @AfterAll
    static void stopZooKeeper() throws Exception {
        CONSOLE.close();
        if (zk != null) {
            zk.close();
        }
    }

    /** The console's source: one client for every look-up of the class, as the console keeps it. */
    private static final ZooKeeperRuleSource CONSOLE = new ZooKeeperRuleSource();

    private static List<AgentAnnouncement> announced(String location) throws Exception {
        return CONSOLE.announced(location, 10_000L);
    }

    /** ZooKeeper client connections of this JVM: one send thread each. */
    private static long connections() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().contains("-SendThread(")).count();
    }

    private static List<AgentAnnouncement> awaitAnnounced(String location, int count) throws Exception {
        long deadline = System.nanoTime() + ZooKeeperRuleSourceTest.DEADLINE_MILLIS * 1_000_000L;
        List<AgentAnnouncement> found;
        do {
            found = announced(location);
            if (found.size() == count) {
                return found;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("expected " + count + " announcements at " + location + ", found " + found);
    }

    @Test
    void anAnnouncedAgentIsListedUntilItsSourceCloses() throws Exception {
        String location = "//" + zk.connectString() + "/shop/rules";
        assertEquals(List.of(), announced(location), "no agents node yet: no agents");
        ZooKeeperRuleSource source = new ZooKeeperRuleSource(100L);
        RuleStore store = new RuleStore();
        source.start(location, "service-a", store.sinkFor("zookeeper:" + location));
        try {
            source.announce(AgentAnnouncement.ofThisJvm("service-a", "gray", 9464, 1L));
            AgentAnnouncement a = awaitAnnounced(location, 1).get(0);
            assertEquals("127.0.0.1:9464", a.admin());
            assertEquals("gray", a.instanceTag());
            assertEquals(List.of(), announced("//" + zk.connectString() + "/other/rules"), "another fleet's path");
        } finally {
            source.close();
        }
        assertEquals(List.of(), announced(location), "deleted at close");
    }

    @Test
    void theConsoleKeepsOneConnectionForItsLookUpsAndClosesItAtClose() throws Exception {
        String location = "//" + zk.connectString() + "/polls/rules";
        ZooKeeperRuleSource console = new ZooKeeperRuleSource();
        long before = connections();
        for (int i = 0; i < 5; i++) {
            assertEquals(List.of(), console.announced(location, 10_000L));
        }
        assertEquals(before + 1, connections(), "one connection for five look-ups");
        console.close();
        long deadline = System.nanoTime() + ZooKeeperRuleSourceTest.DEADLINE_MILLIS * 1_000_000L;
        while (connections() > before && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(before, connections(), "closed with the source");
        assertThrows(IllegalStateException.class, () -> console.announced(location, 1_000L));
    }

    @Test
    void theAnnouncementComesBackAfterZooKeeperRestarts() throws Exception {
        String location = "//" + zk.connectString() + "/restart/rules?sessionTimeout=2000";
        ZooKeeperRuleSource source = new ZooKeeperRuleSource(100L);
        RuleStore store = new RuleStore();
        source.start(location, "service-a", store.sinkFor("zookeeper:" + location));
        try {
            source.announce(AgentAnnouncement.ofThisJvm("service-a", null, 9465, 1L));
            awaitAnnounced(location, 1);
            zk.stop();
            Thread.sleep(3_000); // longer than the session: ZooKeeper forgets it and its ephemeral node
            zk.startAgain();
            List<AgentAnnouncement> back = awaitAnnounced(location, 1);
            assertTrue(back.get(0).admin().endsWith(":9465"));
        } finally {
            source.close();
        }
    }
}
