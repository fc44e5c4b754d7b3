package dev.lanes.rules.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.bridge.InstanceView;
import dev.lanes.bridge.RequestView;
import dev.lanes.core.routing.LaneRouter;
import dev.lanes.core.rules.RuleDocument;
import dev.lanes.core.rules.RuleStore;
import dev.lanes.rules.center.Latencies;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The ZooKeeper source against a real ZooKeeper server in a child JVM. */
class ZooKeeperRuleSourceTest {

    static final long DEADLINE_MILLIS = 20_000L;
    static ZooKeeperProcess zk;
    static CuratorFramework admin;
    private static int base;

    /** Instances named "TAG-n", where "base-n" is untagged. */
    static final InstanceView<String> NAMED_BY_TAG = new InstanceView<>() {
        @Override
        public String tag(String instance) {
            return instance.startsWith("base") ? null : instance.substring(0, instance.indexOf('-'));
        }

        @Override
        public long startMillis(String instance) {
            return -1;
        }

        @Override
        public String address(String instance) {
            return instance;
        }
    };

    private ZooKeeperRuleSource source;
    private final RuleStore store = new RuleStore();

    @BeforeAll
    static void startZooKeeper() throws Exception {
        zk = ZooKeeperProcess.start();
        admin = CuratorFrameworkFactory.newClient(zk.connectString(), 10_000, 5_000, new RetryOneTime(200));
        admin.start();
        admin.blockUntilConnected();
    }

    @AfterAll
    static void stopZooKeeper() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (zk != null) {
            zk.close();
        }
    }

    @AfterEach
    void closeSource() {
        if (source != null) {
            source.close();
        }
    }

    /** A fresh base path per test. */
    private static String basePath() {
        return "/t" + (++base) + "/lanes/rules";
    }

    static void write(CuratorFramework c, String path, String text) throws Exception {
        c.create().orSetData().creatingParentsIfNeeded().forPath(path, text.getBytes(StandardCharsets.UTF_8));
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + DEADLINE_MILLIS;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(2);
        }
    }

    private void start(String location, String app) {
        source = new ZooKeeperRuleSource(200L);
        source.start(location, app, store.sinkFor("zookeeper:" + location));
    }

    @Test
    void mergesTheGlobalAndTheApplicationNodeAndFollowsEveryChange() throws Exception {
        String path = basePath();
        write(admin, path + "/global", "version: g1\nlanes: [{name: gray, tag: gray, fallback: none}]\n");
        write(admin, path + "/orders", "version: o1\nroutes: [{service: stock, to: {tag: gray}}]\n");
        long t0 = System.nanoTime();
        start("//" + zk.connectString() + path, "orders");
        assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "start returns at once");

        await("first rules", () -> store.appliedCount() == 1);
        assertEquals("o1+g1", store.current().version());
        assertEquals(List.of(RuleDocument.Role.GLOBAL, RuleDocument.Role.APPLICATION),
                store.documents().stream().map(RuleDocument::role).toList());
        assertEquals("zookeeper:" + path + "/orders", store.documents().get(1).origin());

        Latencies latencies = new Latencies("zookeeper watch, change to effect (in process)");
        for (int i = 2; i <= 51; i++) {
            String version = "o" + i;
            long start = System.nanoTime();
            write(admin, path + "/orders", "version: " + version + "\n");
            await(version, () -> store.current().version().equals(version + "+g1"));
            latencies.add(System.nanoTime() - start);
        }
        latencies.report();

        write(admin, path + "/global", "version: g2\n");
        await("global change", () -> store.current().version().equals("o51+g2"));
    }

    @Test
    void noNodeMeansNoRulesANodeCreatedLaterAppliesAndADeletedOneIsReportedAsRemoved() throws Exception {
        String path = basePath();
        start("//" + zk.connectString() + path, "orders");
        await("the answer 'no node': no rules", () -> store.appliedCount() == 1);
        assertTrue(store.current().lanes().isEmpty());
        assertEquals(0L, store.sourceErrorCount(), "no node is ZooKeeper's answer, not a failure");

        write(admin, path + "/orders", "version: late\nlanes: [{name: gray, tag: gray}]\n");
        await("node created later", () -> store.current().version().equals("late"));
        admin.delete().forPath(path + "/orders");
        await("deleted: no rules", () -> store.current().lanes().isEmpty());
        assertEquals(1, store.removed().size());
        assertEquals("zookeeper:" + path + "/orders", store.removed().get(0).origin());
        assertEquals("late", store.removed().get(0).version());
        assertTrue(store.removed().get(0).document().text().contains("tag: gray"), "kept to push again");

        write(admin, path + "/orders", "version: back\n");
        await("pushed again", () -> store.current().version().equals("back"));
        assertTrue(store.removed().isEmpty(), "a document that came back is no longer listed as removed");
    }

    @Test
    void aNodeThatIsTheGlobalNodesPathIsReadOnceAsTheApplications() throws Exception {
        String path = basePath();
        write(admin, path + "/global", "version: one\n");
        start("//" + zk.connectString() + path + "?node=" + path + "/global", null);
        await("the one document", () -> store.appliedCount() == 1);
        assertEquals(List.of(RuleDocument.Role.APPLICATION), store.documents().stream().map(RuleDocument::role)
                .toList());
        assertEquals("one", store.current().version());
    }

    @Test
    void theApplicationsNodeIsWatchedFromTheMomentItsNameIsLearnt() throws Exception {
        String path = basePath();
        write(admin, path + "/global", "version: g1\n");
        write(admin, path + "/orders", "version: o1\n");
        start("//" + zk.connectString() + path, null);
        await("the global node alone", () -> store.current().version().equals("g1"));

        assertEquals("zookeeper:" + path + "/orders", source.applicationNameFound("orders"));
        await("the application's node too", () -> store.current().version().equals("o1+g1"));
        write(admin, path + "/orders", "version: o2\n");
        await("a change to it", () -> store.current().version().equals("o2+g1"));
        assertEquals(null, source.applicationNameFound("stock"), "the first name stays");
    }

    @Test
    void anInvalidDocumentIsRejectedWholeWithItsNodeAndLine() throws Exception {
        String path = basePath();
        write(admin, path + "/global", "version: g1\n");
        write(admin, path + "/orders", "version: o1\n");
        start("//" + zk.connectString() + path, "orders");
        await("first rules", () -> store.appliedCount() == 1);

        write(admin, path + "/orders", "version: o2\nlanes:\n  - name: a\n    tag: a\n    fallback: sideways\n");
        await("rejection", () -> store.rejectedCount() == 1);
        assertEquals("o1+g1", store.current().version());
        assertEquals("zookeeper:" + path + "/orders", store.lastError().problems().get(0).document());
        assertEquals(5, store.lastError().problems().get(0).line());
        assertEquals("lanes[0].fallback", store.lastError().problems().get(0).field());
    }

    @Test
    void keepsRoutingWhileZooKeeperIsAwayAndPicksUpWhatChangedMeanwhile() throws Exception {
        String path = basePath();
        write(admin, path + "/global", "version: g1\n");
        write(admin, path + "/orders", "version: o1\nroutes: [{service: stock, to: {tag: blue}}]\n");
        start("//" + zk.connectString() + path + "?sessionTimeout=2s&connectionTimeout=1s", "orders");
        await("first rules", () -> store.appliedCount() == 1);
        LaneRouter router = new LaneRouter("orders", null, store, null, System::currentTimeMillis);
        List<String> instances = List.of("base-1", "blue-1");
        InstanceView<String> view = NAMED_BY_TAG;
        assertEquals("blue-1", router.choose("stock", instances, view, null, null, RequestView.EMPTY));

        zk.stop();
        try {
            // Away for longer than the session: Curator reports LOST once the session timeout has
            // passed, and the watches go with the session, so the change below is seen only if the
            // source reads everything again on the new session.
            await("the session lost", () -> store.lastError() != null
                    && store.lastError().message().contains("lost the connection to ZooKeeper"));
            for (int i = 0; i < 100; i++) {
                assertEquals("blue-1", router.choose("stock", instances, view, null, null, RequestView.EMPTY),
                        "routing by the last good rules while ZooKeeper is away");
            }
        } finally {
            zk.startAgain();
        }
        try (CuratorFramework other = CuratorFrameworkFactory.newClient(zk.connectString(), 10_000, 5_000,
                new RetryOneTime(200))) {
            other.start();
            other.blockUntilConnected();
            write(other, path + "/orders", "version: o2\nroutes: [{service: stock, to: {tag: base}}]\n");
        }
        await("the change made while disconnected", () -> store.current().version().equals("o2+g1"));
        assertEquals("base-1", router.choose("stock", instances, view, null, null, RequestView.EMPTY));
        assertSame(store.current(), store.get());
    }

    @Test
    void readAndWriteForTheCommandLine() throws Exception {
        String path = basePath();
        ZooKeeperRuleSource cli = new ZooKeeperRuleSource();
        String location = "//" + zk.connectString() + path;
        assertEquals("zookeeper:" + path + "/global", cli.write(location, null, RuleDocument.Role.GLOBAL,
                "version: g\n", 10_000));
        assertEquals("zookeeper:" + path + "/orders", cli.write(location, "orders", RuleDocument.Role.APPLICATION,
                "version: o\n", 10_000));
        List<RuleDocument> docs = cli.read(location, "orders", 10_000);
        assertEquals(2, docs.size());
        assertEquals("version: o\n", docs.get(1).text());
        assertEquals(1, cli.read(location, "stock", 10_000).size(), "an application without its own node");
    }

    @Test
    void malformedLocationsAreRejectedWithWhatWasExpected() {
        ZooKeeperRuleSource s = new ZooKeeperRuleSource();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> s.start("//h:2181?nod=/x", "a",
                store.sinkFor("z"))).getMessage().contains("unknown parameter 'nod'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ZooKeeperRuleSource().start(
                "//h:99999", "a", store.sinkFor("z"))).getMessage().contains("out of range"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ZooKeeperRuleSource().start(
                "//h:2181?globalNode=", null, store.sinkFor("z"))).getMessage().contains("no document to read"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ZooKeeperRuleSource().start(
                "//h:2181", "global", store.sinkFor("z"))).getMessage().contains("may not be called 'global'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ZooKeeperRuleSource().start(
                "/h:2181", "a", store.sinkFor("z"))).getMessage().contains("expected zookeeper://"));
    }
}
