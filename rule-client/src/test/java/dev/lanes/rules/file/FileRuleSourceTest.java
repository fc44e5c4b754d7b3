package dev.lanes.rules.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lanes.core.rules.RuleSnapshot;
import dev.lanes.core.rules.RuleStore;
import dev.lanes.core.rules.source.RuleSource;
import dev.lanes.core.rules.source.RuleSources;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file source against real files in a temporary directory, with a real RuleStore behind it. */
class FileRuleSourceTest {

    private static final long DEADLINE_MILLIS = 10_000L;

    @TempDir
    Path dir;

    private final List<RuleSource> started = new ArrayList<>();
    private final RuleStore store = new RuleStore();

    @AfterEach
    void closeSources() {
        for (RuleSource source : started) {
            source.close();
        }
    }

    private static String rules(String version) {
        return "version: " + version + "\nlanes:\n  - name: gray\n    tag: gray\n";
    }

    private FileRuleSource start(Path file) {
        FileRuleSource source = new FileRuleSource();
        started.add(source);
        source.start(file.toString(), store.sinkFor("file:" + file));
        return source;
    }

    private static void write(Path file, String text) throws Exception {
        Files.write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsTheFileBeforeStartReturns() throws Exception {
        Path file = dir.resolve("rules.yaml");
        write(file, rules("v1"));

        start(file);

        RuleSnapshot s = store.get();
        assertEquals("v1", s.version());
        assertEquals("file:" + file.toAbsolutePath().normalize(), s.source());
        assertEquals(1L, store.appliedCount());
        assertEquals(0L, store.sourceErrorCount());
    }

    @Test
    void appliesAnEditWithoutARestart() throws Exception {
        Path file = dir.resolve("rules.yaml");
        write(file, rules("v1"));
        start(file);

        long t0 = System.nanoTime();
        write(file, rules("v2"));
        waitFor(() -> "v2".equals(store.get().version()), "edit applied", t0);
        assertEquals(2L, store.appliedCount());
    }

    @Test
    void aMissingFileIsReportedAndAppliedOnceCreated() throws Exception {
        Path file = dir.resolve("later.yaml");

        start(file);

        assertSame(RuleSnapshot.EMPTY, store.get());
        assertEquals(1L, store.sourceErrorCount());
        assertTrue(store.lastError().isSourceError());
        assertTrue(store.lastError().message().contains(file.toString()), store.lastError().message());
        assertTrue(store.lastError().message().contains("does not exist"), store.lastError().message());

        long t0 = System.nanoTime();
        write(file, rules("v1"));
        waitFor(() -> "v1".equals(store.get().version()), "created file applied", t0);
        assertEquals(1L, store.sourceErrorCount(), "a missing file is reported once, not on every poll");
    }

    @Test
    void appliesARenameReplaceAsEditorsSave() throws Exception {
        Path file = dir.resolve("rules.yaml");
        write(file, rules("v1"));
        start(file);

        Path tmp = dir.resolve(".rules.yaml.swp");
        write(tmp, rules("v2") + "# saved by rename\n");
        long t0 = System.nanoTime();
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        waitFor(() -> "v2".equals(store.get().version()), "renamed file applied", t0);
    }

    @Test
    void aBrokenEditKeepsTheLastGoodRules() throws Exception {
        Path file = dir.resolve("rules.yaml");
        write(file, rules("v1"));
        start(file);

        long t0 = System.nanoTime();
        write(file, "version: v2\nlanes:\n  - name: gray\n    tag: gray\n    fallback: maybe\n");
        waitFor(() -> store.rejectedCount() == 1, "broken edit rejected", t0);
        assertEquals("v1", store.get().version());
        assertEquals("lanes[0].fallback", store.lastError().problems().get(0).field());
        assertEquals(5, store.lastError().problems().get(0).line());

        t0 = System.nanoTime();
        write(file, rules("v3"));
        waitFor(() -> "v3".equals(store.get().version()), "fixed edit applied", t0);
        assertEquals(1L, store.rejectedCount(), "the broken content is delivered once");
    }

    @Test
    void seesAQuickEditThatLeavesSizeAndModificationTimeUnchanged() throws Exception {
        Path file = dir.resolve("rules.yaml");
        write(file, rules("a1"));
        FileTime coarse = FileTime.fromMillis((System.currentTimeMillis() / 2000) * 2000);
        Files.setLastModifiedTime(file, coarse);
        start(file);
        assertEquals("a1", store.get().version());

        // As on a filesystem with 2 s timestamps: same size, same mtime, different content.
        long t0 = System.nanoTime();
        write(file, rules("a2"));
        Files.setLastModifiedTime(file, coarse);
        waitFor(() -> "a2".equals(store.get().version()), "same-size edit applied", t0);
    }

    @Test
    void aDeletedFileKeepsTheRulesAndIsAppliedAgainWhenRecreated() throws Exception {
        Path file = dir.resolve("rules.yaml");
        write(file, rules("v1"));
        start(file);

        long t0 = System.nanoTime();
        Files.delete(file);
        waitFor(() -> store.sourceErrorCount() == 1, "deletion reported", t0);
        assertEquals("v1", store.get().version());

        t0 = System.nanoTime();
        write(file, rules("v2"));
        waitFor(() -> "v2".equals(store.get().version()), "recreated file applied", t0);
    }

    @Test
    void touchingTheFileWithoutChangingItAppliesNothing() throws Exception {
        Path file = dir.resolve("rules.yaml");
        write(file, rules("v1"));
        FileRuleSource source = start(file);

        write(file, rules("v1"));
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 1000));
        awaitPollsAfterNow(source, 2);

        assertEquals(1L, store.appliedCount());
    }

    @Test
    void closeStopsWatching() throws Exception {
        Path file = dir.resolve("rules.yaml");
        write(file, rules("v1"));
        FileRuleSource source = start(file);
        awaitPollsAfterNow(source, 1);

        source.close();
        // The watcher is the only thread that delivers: once it has ended, as close promises,
        // nothing can arrive, and no wait would show more than that it has ended.
        assertFalse(watcherAlive(), "the watcher thread ends with close");
        long polls = source.polls();
        write(file, rules("v2"));

        assertEquals(polls, source.polls(), "no poll after close");
        assertEquals("v1", store.get().version());
        assertEquals(1L, store.appliedCount());
        assertThrows(IllegalStateException.class, () -> source.start(file.toString(), store.sinkFor("again")));
    }

    @Test
    void aDirectoryIsReportedAsNoRegularFile() throws Exception {
        Path sub = Files.createDirectory(dir.resolve("rules.d"));
        start(sub);
        assertEquals(1L, store.sourceErrorCount());
        assertTrue(store.lastError().message().contains("not a regular file"), store.lastError().message());
        assertSame(RuleSnapshot.EMPTY, store.get());
    }

    @Test
    void aFileThatIsNotUtf8IsReportedOnceAndKeepsTheRules() throws Exception {
        Path file = dir.resolve("rules.yaml");
        write(file, rules("v1"));
        FileRuleSource source = start(file);

        long t0 = System.nanoTime();
        Files.write(file, new byte[] {'v', 'e', 'r', 's', 'i', 'o', 'n', ':', ' ', (byte) 0xC3, (byte) 0x28, '\n'});
        waitFor(() -> store.sourceErrorCount() == 1, "invalid UTF-8 reported", t0);
        assertTrue(store.lastError().message().contains("not valid UTF-8"), store.lastError().message());
        assertEquals("v1", store.get().version());
        // The file is racily recent, so each of these polls reads it again.
        awaitPollsAfterNow(source, 3);
        assertEquals(1L, store.sourceErrorCount(), "the same content is reported once");
    }

    @Test
    void isFoundByServiceLoaderUnderTheFileScheme() throws Exception {
        Path file = dir.resolve("rules.yaml");
        write(file, rules("v1"));
        RuleSources sources = RuleSources.load(FileRuleSourceTest.class.getClassLoader());
        assertTrue(sources.schemes().contains("file"), sources.schemes().toString());

        String setting = "file:" + file.toUri().getPath();
        RuleSource source = sources.start(setting, store.sinkFor(setting));
        started.add(source);

        assertTrue(source instanceof FileRuleSource);
        assertEquals("v1", store.get().version());
    }

    @Test
    void readsFileUrlFormsOfALocalPath() {
        assertEquals(Path.of("/etc/lanes/rules.yaml"), FileRuleSource.toPath("///etc/lanes/rules.yaml"));
        assertEquals(Path.of("/etc/lanes/rules.yaml"), FileRuleSource.toPath("//localhost/etc/lanes/rules.yaml"));
        assertEquals(Path.of("/etc/lanes/rules.yaml"), FileRuleSource.toPath("/etc/lanes/../lanes/rules.yaml"));
        assertEquals(Path.of("rules.yaml").toAbsolutePath(), FileRuleSource.toPath("rules.yaml"));
        IllegalArgumentException host = assertThrows(IllegalArgumentException.class,
                () -> FileRuleSource.toPath("//fileserver/rules.yaml"));
        assertTrue(host.getMessage().contains("names a host"), host.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FileRuleSource.toPath(" "));
        assertThrows(IllegalArgumentException.class, () -> FileRuleSource.toPath("bad\u0000path"));
    }

    private static boolean watcherAlive() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("lanes-rules-file") && t.isAlive()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Waits until the watcher has finished {@code n} whole polls that began after this call: the
     * poll under way may have read the file before the change the caller just made.
     */
    private static void awaitPollsAfterNow(FileRuleSource source, int n) throws InterruptedException {
        long target = source.polls() + 1 + n;
        waitFor(() -> source.polls() >= target, n + " polls", System.nanoTime());
    }

    /** Waits up to a generous deadline, printing the latency observed (timings are not asserted). */
    private static void waitFor(BooleanSupplier condition, String what, long startNanos) throws InterruptedException {
        long deadline = startNanos + DEADLINE_MILLIS * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(what + ": not seen within " + DEADLINE_MILLIS + " ms");
            }
            Thread.sleep(10);
        }
        System.out.println(what + " after " + (System.nanoTime() - startNanos) / 1_000_000L + " ms");
    }
}
