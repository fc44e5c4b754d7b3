package dev.lanes.rules.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.bridge.InstanceView;
import dev.lanes.bridge.RequestView;
import dev.lanes.core.routing.LaneRouter;
import dev.lanes.core.rules.RuleStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;

/**
 * Rules pushed through a real ZooKeeper, continually, while threads route calls: every call
 * sees the rules of one snapshot, never a mix of two, and none fails.
 *
 * <p>Snapshot N routes "svc" to lane t(N mod 10), which has no instance and falls back to base,
 * while every other lane t(j) is strict. A call that took the route of one snapshot and the lanes
 * of another would fail as strict. Snapshot N also routes "which" to instance v(N mod 10), which
 * must be the rules in force just before or after the call.
 */
class PushUnderTrafficTest {

    private static final int PUSHES = 100;
    private static final int THREADS = 3;

    private static final InstanceView<String> VIEW = ZooKeeperRuleSourceTest.NAMED_BY_TAG;

    static String document(int n) {
        int k = n % 10;
        StringBuilder sb = new StringBuilder("version: \"" + n + "\"\nlanes:\n");
        for (int j = 0; j < 10; j++) {
            sb.append("  - {name: t").append(j).append(", tag: t").append(j).append(", fallback: ")
                    .append(j == k ? "base" : "none").append("}\n");
        }
        sb.append("routes:\n  - {service: svc, to: {tag: t").append(k).append("}}\n");
        sb.append("  - {service: which, to: {tag: v").append(k).append("}}\n");
        return sb.toString();
    }

    @Test
    void everyCallSeesOneWholeSnapshotAndNoneFails() throws Exception {
        try (ZooKeeperProcess zk = ZooKeeperProcess.start();
             CuratorFramework admin = CuratorFrameworkFactory.newClient(zk.connectString(), 10_000, 5_000,
                     new RetryOneTime(200))) {
            admin.start();
            admin.blockUntilConnected();
            String path = "/traffic/lanes/rules/orders";
            ZooKeeperRuleSourceTest.write(admin, path, document(0));
            RuleStore store = new RuleStore();
            ZooKeeperRuleSource source = new ZooKeeperRuleSource(200L);
            source.start("//" + zk.connectString() + "/traffic/lanes/rules?globalNode=", "orders",
                    store.sinkFor("zookeeper"));
            try {
                ZooKeeperRuleSourceTest.await("first rules", () -> store.current().version().equals("0"));
                LaneRouter router = new LaneRouter("orders", null, store, null, System::currentTimeMillis);
                List<String> strict = List.of("base-1", "other-1");
                List<String> which = new ArrayList<>();
                for (int k = 0; k < 10; k++) {
                    which.add("v" + k + "-1");
                }
                AtomicBoolean pushing = new AtomicBoolean(true);
                AtomicLong calls = new AtomicLong();
                List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
                Set<String> versionsSeen = ConcurrentHashMap.newKeySet();
                List<Thread> threads = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    Thread thread = new Thread(() -> {
                        while (pushing.get() || calls.get() < 1000) {
                            int before = Integer.parseInt(store.current().version());
                            try {
                                String a = router.choose("svc", strict, VIEW, null, null, RequestView.EMPTY);
                                String b = router.choose("which", which, VIEW, null, null, RequestView.EMPTY);
                                int after = Integer.parseInt(store.current().version());
                                int k = Integer.parseInt(b.substring(1, b.indexOf('-')));
                                boolean inWindow = false;
                                for (int n = before; n <= after; n++) {
                                    inWindow |= n % 10 == k;
                                }
                                if (!"base-1".equals(a) || !inWindow) {
                                    failures.add("svc=" + a + " which=" + b + " between versions " + before + " and "
                                            + after);
                                }
                                versionsSeen.add(String.valueOf(before));
                            } catch (Throwable e) {
                                failures.add("at version " + before + ": " + e);
                            }
                            calls.incrementAndGet();
                        }
                    }, "traffic-" + t);
                    threads.add(thread);
                    thread.start();
                }
                // Each push in force before the next: every one becomes a snapshot the calls run
                // across, rather than as many as a pause between pushes happens to let through.
                for (int n = 1; n <= PUSHES; n++) {
                    ZooKeeperRuleSourceTest.write(admin, path, document(n));
                    String version = String.valueOf(n);
                    ZooKeeperRuleSourceTest.await("push " + n, () -> store.current().version().equals(version));
                }
                pushing.set(false);
                for (Thread thread : threads) {
                    thread.join(30_000);
                }
                assertEquals(List.of(), failures.subList(0, Math.min(10, failures.size())),
                        failures.size() + " of " + calls.get() + " calls failed or mixed snapshots");
                assertEquals(0L, store.rejectedCount());
                assertTrue(store.appliedCount() >= PUSHES + 1, "every push applied under traffic: "
                        + store.appliedCount());
                assertTrue(versionsSeen.size() > 10, "calls ran across many snapshots: " + versionsSeen.size());
                System.out.println("PUSH UNDER TRAFFIC: " + calls.get() + " calls, " + store.appliedCount()
                        + " snapshots applied, " + versionsSeen.size() + " seen by calls, 0 failed");
            } finally {
                source.close();
            }
        }
    }
}
