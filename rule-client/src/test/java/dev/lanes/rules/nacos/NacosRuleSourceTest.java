package dev.lanes.rules.nacos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.core.rules.RuleDocument;
import dev.lanes.core.rules.RuleStore;
import dev.lanes.rules.center.Latencies;
import java.util.List;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Nacos source through nacos-client's ConfigService interface, on an in-memory config server. */
class NacosRuleSourceTest {

    private static final long DEADLINE_MILLIS = 10_000L;
    private static final String GROUP = "LANES";

    private final InMemoryConfigService.Server server = new InMemoryConfigService.Server();
    private final RuleStore store = new RuleStore();
    private NacosRuleSource source;

    @AfterEach
    void stop() throws Exception {
        if (source != null) {
            source.close();
        }
        server.stop();
    }

    private void start(String location, String app) {
        source = new NacosRuleSource(server.factory(), 50L);
        source.start(location, app, store.sinkFor("nacos:" + location));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + DEADLINE_MILLIS;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(1);
        }
    }

    @Test
    void readsBothDocumentsThenFollowsPushesToItsListeners() throws Exception {
        server.publish("lanes-rules.yaml", GROUP, "version: g1\nlanes: [{name: gray, tag: gray}]\n");
        server.publish("orders.lanes-rules.yaml", GROUP, "version: o1\n");
        start("//127.0.0.1:8848?namespace=dev&group=" + GROUP + "&username=lanes&password=s3cret&timeout=2s",
                "orders");

        await("first rules", () -> store.appliedCount() == 1);
        assertEquals("o1+g1", store.current().version());
        assertEquals("nacos:dev/LANES/orders.lanes-rules.yaml", store.documents().get(1).origin());
        Properties p = server.created.get(0);
        assertEquals("127.0.0.1:8848", p.getProperty("serverAddr"));
        assertEquals("dev", p.getProperty("namespace"));
        assertEquals("lanes", p.getProperty("username"));
        assertEquals("s3cret", p.getProperty("password"));
        assertEquals("2000", p.getProperty("configRequestTimeout"));
        assertEquals(2, server.listenerCount());
        assertFalse(store.current().source().contains("s3cret"), store.current().source());

        Latencies latencies = new Latencies("nacos listener, publish to effect (in-memory ConfigService)");
        for (int i = 2; i <= 51; i++) {
            String version = "o" + i;
            long t0 = System.nanoTime();
            server.publish("orders.lanes-rules.yaml", GROUP, "version: " + version + "\n");
            await(version, () -> store.current().version().equals(version + "+g1"));
            latencies.add(System.nanoTime() - t0);
        }
        latencies.report();

        server.publish("lanes-rules.yaml", GROUP, "version: g2\n");
        await("global change", () -> store.current().version().equals("o51+g2"));
        server.publish("orders.lanes-rules.yaml", GROUP, null);
        await("application document deleted: the global one alone", () -> store.current().version().equals("g2"));
        long applied = store.appliedCount();
        server.publish("lanes-rules.yaml", GROUP, null);
        await("both deleted: no rules", () -> store.appliedCount() == applied + 1);
        assertTrue(store.current().lanes().isEmpty() && store.documents().isEmpty(), store.current().version());
        assertEquals(0L, store.sourceErrorCount(), "a deleted document is the server's answer, not a failure");
        assertEquals(List.of("nacos:dev/LANES/orders.lanes-rules.yaml", "nacos:dev/LANES/lanes-rules.yaml"),
                store.removed().stream().map(RuleStore.Removed::origin).toList(), "both reported as removed");
        assertEquals("g2", store.removed().get(1).version());
    }

    @Test
    void aDataIdThatIsTheGlobalDocumentsNameIsReadOnceAsTheApplications() throws Exception {
        server.publish("lanes-rules.yaml", GROUP, "version: only\nlanes: [{name: gray, tag: gray}]\n");
        start("//127.0.0.1:8848?group=" + GROUP + "&dataId=lanes-rules.yaml", null);
        await("the one document", () -> store.appliedCount() == 1);
        assertEquals("only", store.current().version());
        assertEquals(List.of(RuleDocument.Role.APPLICATION), store.documents().stream().map(RuleDocument::role)
                .toList());
        assertEquals(1, server.listenerCount(), "read once, listened to once");
        assertEquals(0L, store.sourceErrorCount());
        assertTrue(message("//h:8848?dataId=x.yaml&globalDataId=x.yaml", null).contains(
                "dataId and globalDataId are both 'x.yaml'"), "both named alike on purpose is still an error");
    }

    @Test
    void noDocumentAtStartMeansNoRulesButADisconnectedClientIsAnOutage() throws Exception {
        server.disconnected = true;
        start("//127.0.0.1:8848?group=" + GROUP, "orders");
        await("the outage reported", () -> store.sourceErrorCount() == 1);
        assertTrue(store.lastError().message().contains("not connected (server status DOWN)"),
                store.lastError().message());
        assertEquals(0L, store.appliedCount(), "a null read from a disconnected client is not 'no document'");

        server.disconnected = false;
        await("the server's answer: no document, no rules", () -> store.appliedCount() == 1);
        assertTrue(store.current().lanes().isEmpty());
        assertTrue(store.removed().isEmpty(), "nothing was in force, so nothing was removed");

        server.publish("orders.lanes-rules.yaml", GROUP, "version: o1\n");
        await("a document created later", () -> store.current().version().equals("o1"));
    }

    @Test
    void theApplicationsDocumentIsReadFromTheMomentItsNameIsLearnt() throws Exception {
        server.publish("lanes-rules.yaml", GROUP, "version: g1\n");
        server.publish("orders.lanes-rules.yaml", GROUP, "version: o1\n");
        start("//127.0.0.1:8848?group=" + GROUP, null);
        await("the global document alone", () -> store.current().version().equals("g1"));

        assertEquals("nacos:LANES/orders.lanes-rules.yaml", source.applicationNameFound("orders"));
        await("the application's document too", () -> store.current().version().equals("o1+g1"));
        assertEquals(2, server.listenerCount());
        server.publish("orders.lanes-rules.yaml", GROUP, "version: o2\n");
        await("a push to it", () -> store.current().version().equals("o2+g1"));
        assertNull(source.applicationNameFound("stock"), "the first name stays");
    }

    @Test
    void aFailingServerIsReportedOnceAndRetriedUntilItAnswers() throws Exception {
        server.publish("orders.lanes-rules.yaml", "DEFAULT_GROUP", "version: o1\n");
        server.failNextReads.set(5);
        start("//127.0.0.1:8848?globalDataId=", "orders");
        await("rules after the failures", () -> store.appliedCount() == 1);
        assertEquals("o1", store.current().version());
        assertEquals(1L, store.sourceErrorCount(), "the same failure is reported once");
        assertTrue(store.lastError().message().contains("Client not connected"), store.lastError().message());
        assertTrue(server.reads.get() >= 6);
    }

    @Test
    void aSlowServerNeverHoldsUpStart() throws Exception {
        server.publish("lanes-rules.yaml", "DEFAULT_GROUP", "version: g1\n");
        InMemoryConfigService.Hold hold = new InMemoryConfigService.Hold();
        server.hold = hold;
        start("//127.0.0.1:8848?timeout=500", null);
        // The read cannot end before the hold does: whatever start waited for, it was not the read.
        assertEquals(0L, store.sourceErrorCount(), "start did not wait for the read");
        await("the read waiting for the server", () -> server.readsWaiting.get() == 1);
        assertEquals(0L, store.appliedCount());
        hold.timeOut();
        await("the timeout reported", () -> store.sourceErrorCount() == 1);
        assertTrue(store.lastError().message().contains("timed out after 500 ms"), store.lastError().message());
        server.hold = null;
        await("rules once the server answers again", () -> store.appliedCount() == 1);
    }

    @Test
    void anInvalidPushIsRejectedWholeWithDocumentFieldAndLine() throws Exception {
        server.publish("lanes-rules.yaml", "DEFAULT_GROUP", "version: g1\n");
        server.publish("orders.lanes-rules.yaml", "DEFAULT_GROUP", "version: o1\n");
        start("//127.0.0.1:8848", "orders");
        await("first rules", () -> store.appliedCount() == 1);

        server.publish("lanes-rules.yaml", "DEFAULT_GROUP", "version: g2\nroutes:\n  - service: a\n    to: {tag: '!'}\n");
        await("rejection", () -> store.rejectedCount() == 1);
        assertEquals("o1+g1", store.current().version());
        var problem = store.lastError().problems().get(0);
        assertEquals("nacos:DEFAULT_GROUP/lanes-rules.yaml", problem.document());
        assertEquals("routes[0].to.tag", problem.field());
        assertEquals(4, problem.line());

        server.publish("lanes-rules.yaml", "DEFAULT_GROUP", "version: g3\n");
        await("the fixed document", () -> store.current().version().equals("o1+g3"));
    }

    @Test
    void closeRemovesTheListenersAndShutsTheClientDown() throws Exception {
        server.publish("lanes-rules.yaml", "DEFAULT_GROUP", "version: g1\n");
        start("//127.0.0.1:8848", null);
        await("first rules", () -> store.appliedCount() == 1);
        assertEquals(1, server.listenerCount());
        source.close();
        assertEquals(0, server.listenerCount());
        assertTrue(server.clients.get(0).shutDown);
        server.publish("lanes-rules.yaml", "DEFAULT_GROUP", "version: g2\n");
        server.awaitNotified();
        assertEquals("g1", store.current().version());
    }

    @Test
    void readAndWriteForTheCommandLine() throws Exception {
        NacosRuleSource cli = new NacosRuleSource(server.factory(), 50L);
        assertEquals("nacos:DEFAULT_GROUP/lanes-rules.yaml", cli.write("//127.0.0.1", null,
                RuleDocument.Role.GLOBAL, "version: g\n", 1000));
        assertEquals("nacos:DEFAULT_GROUP/orders.lanes-rules.yaml", cli.write("//127.0.0.1", "orders",
                RuleDocument.Role.APPLICATION, "version: o\n", 1000));
        List<RuleDocument> docs = cli.read("//127.0.0.1", "orders", 1000);
        assertEquals(List.of(RuleDocument.Role.GLOBAL, RuleDocument.Role.APPLICATION),
                docs.stream().map(RuleDocument::role).toList());
        assertEquals(1, cli.read("//127.0.0.1?dataId=none.yaml", null, 1000).size());
        assertTrue(server.clients.stream().allMatch(c -> c.shutDown), "every client of the CLI is shut down");
        assertThrows(IllegalArgumentException.class, () -> cli.write("//127.0.0.1", null,
                RuleDocument.Role.APPLICATION, "x", 1000));
    }

    @Test
    void malformedLocationsAreRejectedWithWhatWasExpected() {
        assertTrue(message("//h:8848?dataid=x", "a").contains("unknown parameter 'dataid'; expected one of"));
        assertTrue(message("//h:8848/public", "a").contains("give namespace, group and dataId as parameters"));
        assertTrue(message("//h:8848?globalDataId=", null).contains("no document to read"));
        assertTrue(message("//user:pw@h:8848", "a").contains("user:***@"));
        assertFalse(message("//user:pw@h:8848", "a").contains("pw"));
        assertTrue(message("//h:8848?timeout=forever", "a").contains("parameter timeout=forever is invalid"));
        assertNull(server.created.isEmpty() ? null : "created", "no client is created for a malformed location");
    }

    private String message(String location, String app) {
        return assertThrows(IllegalArgumentException.class,
                () -> new NacosRuleSource(server.factory(), 50L).start(location, app, store.sinkFor("n")))
                .getMessage();
    }
}
