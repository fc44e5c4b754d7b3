package dev.lanes.core.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.core.config.AgentConfig;
import dev.lanes.core.rules.source.RuleSink;
import dev.lanes.core.rules.source.RuleSource;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up of the rules: a bounded wait for the source, the cache of the last good rules. */
class RuleLifecycleTest {

    /** A rule center the test answers for, by hand: registered for the scheme "fake". */
    public static final class FakeCenter implements RuleSource {
        static volatile RuleSink sink;
        static volatile String application;

        @Override
        public String scheme() {
            return "fake";
        }

        @Override
        public void start(String location, RuleSink s) {
            throw new AssertionError("the application is passed");
        }

        @Override
        public void start(String location, String app, RuleSink s) {
            if (location.contains("broken")) {
                throw new IllegalArgumentException("fake:" + location + " is malformed");
            }
            sink = s;
            application = app;
        }

        static volatile String learnt;

        @Override
        public String applicationNameFound(String app) {
            learnt = app;
            return "fake:" + app;
        }

        @Override
        public void close() {
        }
    }

    @TempDir
    Path dir;

    private static final List<RuleDocument> DOCS = List.of(
            new RuleDocument(RuleDocument.Role.GLOBAL, "fake:global", "version: g1\nlanes: [{name: a, tag: a}]\n"),
            new RuleDocument(RuleDocument.Role.APPLICATION, "fake:orders", "version: o1\n# a comment\n"));

    /** A loader that registers {@link FakeCenter} as a rule source. */
    private ClassLoader loader() throws IOException {
        Path services = dir.resolve("services/META-INF/services");
        Files.createDirectories(services);
        Files.writeString(services.resolve(RuleSource.class.getName()), FakeCenter.class.getName() + "\n");
        return new URLClassLoader(new URL[] {dir.resolve("services").toUri().toURL()}, getClass().getClassLoader());
    }

    private AgentConfig config(String... settings) {
        Properties p = new Properties();
        for (int i = 0; i < settings.length; i += 2) {
            p.setProperty(settings[i], settings[i + 1]);
        }
        p.setProperty("lanes.labels.file", dir.resolve("no-labels").toString());
        return AgentConfig.resolve(null, p, Map.of());
    }

    @Test
    void waitsAtMostTheStartupWaitThenRestoresTheCacheAndTheSourceWinsWhenItAnswers() throws Exception {
        File cacheFile = dir.resolve("cache.yaml").toFile();
        new RuleCache(cacheFile).save(DOCS, "fake://center?password=***", "o1+g1");
        RuleStore store = new RuleStore();

        long t0 = System.nanoTime();
        RuleSource source = RuleLifecycle.start(config("lanes.rules", "fake://center?password=s3cret",
                "lanes.rules.startup.wait", "300ms", "lanes.rules.cache", cacheFile.toString()), "orders", store,
                loader());
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

        assertNotNull(source);
        assertEquals("orders", FakeCenter.application);
        assertTrue(waited >= 300 && waited < 10_000, "waited " + waited + " ms");
        assertEquals("o1+g1", store.current().version(), "the cached rules, with their own version");
        assertTrue(store.current().source().startsWith("cache:" + cacheFile), store.current().source());
        assertFalse(store.current().source().contains("s3cret"), store.current().source());

        FakeCenter.sink.accept(List.of(new RuleDocument(RuleDocument.Role.APPLICATION, "fake:orders", "version: o2\n")),
                "fake://center orders");
        assertEquals("o2", store.current().version(), "the source replaces the cached rules when it answers");
        RuleCache.Entry saved = new RuleCache(cacheFile).load();
        assertEquals("o2", saved.version(), "and its rules are cached");
        assertEquals("version: o2\n", saved.documents().get(0).text());
        assertFalse(Files.readString(cacheFile.toPath()).contains("s3cret"), "no secret in the cache file");
    }

    @Test
    void theSourceStartsInTheBackgroundAndTheFirstDecisionWaitsForItsRules() throws Exception {
        FakeCenter.sink = null;
        RuleStore store = new RuleStore();
        RuleStartup startup = RuleStartup.begin(config("lanes.rules", "fake://center", "lanes.rules.startup.wait",
                "30s", "lanes.rules.cache", "off"), "orders", store, loader());
        // begin() has returned although the source has not answered: premain does not wait.
        assertFalse(startup.isReady());
        AtomicReference<RuleSnapshot> seen = new AtomicReference<>();
        Thread firstDecision = new Thread(() -> seen.set(startup.get()));
        firstDecision.start();
        while (FakeCenter.sink == null) {
            Thread.onSpinWait();
        }
        FakeCenter.sink.accept(DOCS, "fake://center orders");
        firstDecision.join();
        assertEquals("o1+g1", seen.get().version(), "the first decision saw the source's rules, not none");
        assertTrue(startup.isReady());
        startup.close();
    }

    @Test
    void withASilentSourceTheFirstDecisionWaitsAtMostTheStartupWaitThenUsesTheCache() throws Exception {
        File cacheFile = dir.resolve("cache.yaml").toFile();
        new RuleCache(cacheFile).save(DOCS, "fake://center", "o1+g1");
        FakeCenter.sink = null;
        RuleStore store = new RuleStore();
        RuleStartup startup = RuleStartup.begin(config("lanes.rules", "fake://center", "lanes.rules.startup.wait",
                "200ms", "lanes.rules.cache", cacheFile.toString()), "orders", store, loader());
        assertEquals("o1+g1", startup.get().version(), "the cached rules are in force for the first decision");
        assertTrue(startup.isReady());
        startup.close();
    }

    @Test
    void withNoRuleSourceTheRulesAreReadyAtOnce() throws Exception {
        RuleStore store = new RuleStore();
        RuleStartup startup = RuleStartup.begin(config(), "orders", store, loader());
        assertTrue(startup.isReady());
        assertEquals(RuleSnapshot.EMPTY, startup.get());
    }

    @Test
    void aSourceThatAnswersWithAnErrorEndsTheWaitAtOnce() throws Exception {
        File cacheFile = dir.resolve("cache.yaml").toFile();
        RuleStore store = new RuleStore();
        Thread answer = new Thread(() -> {
            while (FakeCenter.sink == null) {
                Thread.onSpinWait();
            }
            FakeCenter.sink.sourceError("connection refused", null);
        });
        FakeCenter.sink = null;
        answer.start();
        long t0 = System.nanoTime();
        RuleLifecycle.start(config("lanes.rules", "fake://center", "lanes.rules.startup.wait", "20s",
                "lanes.rules.cache", cacheFile.toString()), null, store, loader());
        answer.join();
        assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0) < 10, "did not wait the 20 s");
        assertEquals(RuleSnapshot.EMPTY, store.current(), "no cache yet: no rules");
        assertEquals(1L, store.sourceErrorCount());
    }

    @Test
    void rejectedRulesAtStartFallBackToTheCacheAndTheCacheKeepsOnlyGoodRules() throws Exception {
        File cacheFile = dir.resolve("cache.yaml").toFile();
        new RuleCache(cacheFile).save(DOCS, "fake://center", "o1+g1");
        RuleStore store = new RuleStore();
        Thread answer = new Thread(() -> {
            while (FakeCenter.sink == null) {
                Thread.onSpinWait();
            }
            FakeCenter.sink.accept(List.of(new RuleDocument(RuleDocument.Role.APPLICATION, "fake:orders",
                    "lanes: [{name: x}]\n")), "fake://center");
        });
        FakeCenter.sink = null;
        answer.start();
        RuleLifecycle.start(config("lanes.rules", "fake://center", "lanes.rules.cache", cacheFile.toString()),
                "orders", store, loader());
        answer.join();
        assertEquals("o1+g1", store.current().version());
        assertEquals(1L, store.rejectedCount());
        assertEquals("o1+g1", new RuleCache(cacheFile).load().version(), "restoring does not rewrite the cache");
    }

    @Test
    void aCacheOfAnotherSourceIsNotUsed() throws Exception {
        File cacheFile = dir.resolve("cache.yaml").toFile();
        new RuleCache(cacheFile).save(DOCS, "fake://other", "o1+g1");
        RuleStore store = new RuleStore();
        RuleLifecycle.start(config("lanes.rules", "fake://center", "lanes.rules.startup.wait", "100ms",
                "lanes.rules.cache", cacheFile.toString()), "orders", store, loader());
        assertEquals(RuleSnapshot.EMPTY, store.current());
    }

    @Test
    void aMalformedSourceStartsNothingButTheCacheStillServes() throws Exception {
        File cacheFile = dir.resolve("cache.yaml").toFile();
        new RuleCache(cacheFile).save(DOCS, "fake://broken", "o1+g1");
        RuleStore store = new RuleStore();
        RuleSource source = RuleLifecycle.start(config("lanes.rules", "fake://broken", "lanes.rules.cache",
                cacheFile.toString()), "orders", store, loader());
        assertEquals(null, source);
        assertEquals("o1+g1", store.current().version());
        assertTrue(store.lastError().message().contains("malformed"), store.lastError().message());
        assertTrue(store.sourceFailure().contains("fake://broken is malformed"), store.sourceFailure());
    }

    @Test
    void aMalformedSourceIsShownAsFailedOnTheStartLine() throws Exception {
        RuleStore store = new RuleStore();
        RuleStartup startup = RuleStartup.begin(config("lanes.rules", "fake://broken", "lanes.rules.cache", "off"),
                "orders", store, loader());
        startup.awaitStart();
        assertTrue(startup.isReady());
        String failure = startup.startLineShown();
        assertTrue(failure != null && failure.contains("fake://broken is malformed"), failure);
    }

    @Test
    void aRuleCenterWithoutTheDocumentsMeansNoRulesReportsThemRemovedAndClearsTheCache() throws Exception {
        File cacheFile = dir.resolve("cache.yaml").toFile();
        new RuleCache(cacheFile).save(DOCS, "fake://center", "o1+g1");
        RuleStore store = new RuleStore();
        Thread answer = new Thread(() -> {
            while (FakeCenter.sink == null) {
                Thread.onSpinWait();
            }
            // The center answered: neither document exists (deleted while this instance was down).
            FakeCenter.sink.accept(List.of(), "fake://center");
        });
        FakeCenter.sink = null;
        answer.start();
        RuleLifecycle.start(config("lanes.rules", "fake://center", "lanes.rules.cache", cacheFile.toString()),
                "orders", store, loader());
        answer.join();
        assertTrue(store.current().lanes().isEmpty(), "the cached lanes are not brought back");
        assertFalse(store.current().source().startsWith("cache:"), store.current().source());
        assertEquals(List.of("fake:global", "fake:orders"), store.removed().stream().map(RuleStore.Removed::origin)
                .toList(), "what went away is reported");
        assertEquals("g1", store.removed().get(0).version());
        RuleCache.Entry cached = new RuleCache(cacheFile).load();
        assertTrue(cached.documents().isEmpty(), "the cache holds no rules any more");
        assertEquals(2, cached.removed().size(), "it keeps the removed documents, to push again");
        assertEquals(DOCS.get(0).text(), cached.removed().get(0).document().text());

        // A restart while the center cannot be reached: the cache says no rules, and still lists them.
        RuleStore restarted = new RuleStore();
        FakeCenter.sink = null;
        RuleLifecycle.start(config("lanes.rules", "fake://center", "lanes.rules.startup.wait", "100ms",
                "lanes.rules.cache", cacheFile.toString()), "orders", restarted, loader());
        assertTrue(restarted.current().lanes().isEmpty());
        assertEquals(2, restarted.removed().size());
    }

    @Test
    void aNameLearntAfterStartMakesTheSourceReadTheApplicationsDocument() throws Exception {
        FakeCenter.sink = null;
        FakeCenter.learnt = null;
        RuleStore store = new RuleStore();
        RuleStartup startup = RuleStartup.begin(config("lanes.rules", "fake://center", "lanes.rules.startup.wait",
                "100ms", "lanes.rules.cache", "off"), null, store, loader());
        startup.awaitStart();
        assertEquals(null, FakeCenter.application, "started without a name");
        String change = startup.applicationNameFound("orders");
        assertEquals("orders", FakeCenter.learnt);
        assertTrue(change.contains("reads its document fake:orders from now on"), change);
        assertEquals(null, startup.applicationNameFound("stock"), "once");
        startup.close();
    }

    @Test
    void aLearntNameSwitchesToTheCacheUnderThatNameAndUsesItWhileTheCenterIsSilent() throws Exception {
        String home = System.getProperty("user.home");
        System.setProperty("user.home", dir.toString());
        try {
            new RuleCache(RuleCache.defaultFile("orders", "fake://center")).save(DOCS, "fake://center", "o1+g1");
            FakeCenter.sink = null;
            RuleStore store = new RuleStore();
            RuleStartup startup = RuleStartup.begin(config("lanes.rules", "fake://center",
                    "lanes.rules.startup.wait", "100ms"), null, store, loader());
            startup.awaitStart();
            assertTrue(store.current().lanes().isEmpty(), "no cache under the unknown name");
            String change = startup.applicationNameFound("orders");
            assertTrue(change.contains("rules cache " + RuleCache.defaultFile("orders", "fake://center")), change);
            assertEquals("o1+g1", store.current().version(), "the cache of the learnt name serves meanwhile");

            FakeCenter.sink.accept(List.of(new RuleDocument(RuleDocument.Role.APPLICATION, "fake:orders",
                    "version: o2\n")), "fake://center");
            assertEquals("o2", new RuleCache(RuleCache.defaultFile("orders", "fake://center")).load().version(),
                    "later rules are cached under the learnt name");
            startup.close();
        } finally {
            System.setProperty("user.home", home);
        }
    }

    @Test
    void cacheRoundTripsDocumentsExactly() throws Exception {
        File cacheFile = dir.resolve("sub/dir/cache.yaml").toFile();
        String odd = "version: \"x\"\n\tkey: 'it''s'  \n\u00e9\u4e2d \"quoted\" \\ back\n\n";
        new RuleCache(cacheFile).save(List.of(new RuleDocument(RuleDocument.Role.APPLICATION, "o", odd)), "s", "v");
        RuleCache.Entry e = new RuleCache(cacheFile).load();
        assertEquals(odd, e.documents().get(0).text());
        assertEquals("s", e.source());
        Files.writeString(cacheFile.toPath(), "format: 7\n", StandardCharsets.UTF_8);
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> new RuleCache(cacheFile)
                .load()).getMessage().contains("not a Lanes rules cache"));
    }

    @Test
    void defaultCacheFileIsPerApplicationAndSource() {
        File a = RuleCache.defaultFile("orders", "nacos://a");
        File b = RuleCache.defaultFile("orders", "nacos://b");
        File c = RuleCache.defaultFile("stock", "nacos://a");
        assertTrue(a.getPath().contains(".lanes"), a.getPath());
        assertTrue(a.getName().startsWith("orders-"), a.getName());
        assertFalse(a.equals(b) || a.equals(c));
    }

    @SuppressWarnings("unused")
    private static Enumeration<URL> unused() {
        return null;
    }
}
