package dev.lanes.rules.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.core.rules.RuleStore;
import dev.lanes.core.rules.source.AgentAnnouncement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Announcements beside a rules file: written on announce, listed, deleted at close, stale ones ignored. */
class FileAnnouncementsTest {

    @TempDir
    Path dir;

    @Test
    void anAnnouncedAgentIsListedUntilItsSourceCloses() throws Exception {
        Path rules = dir.resolve("rules.yaml");
        Files.writeString(rules, "version: one\n");
        FileRuleSource source = new FileRuleSource(50L);
        RuleStore store = new RuleStore();
        source.start(rules.toString(), store.sinkFor("file:" + rules));
        AgentAnnouncement me = AgentAnnouncement.ofThisJvm("service-a", "gray", 9464, 1L);
        long polls = source.polls();
        assertTrue(source.announce(me));
        // Written by the watcher thread, off start-up: a poll that began after announce has.
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (source.polls() < polls + 2 && System.nanoTime() < deadline) {
            Thread.sleep(10L);
        }

        List<AgentAnnouncement> found = new FileRuleSource().announced(rules.toString(), 1000L);
        assertEquals(1, found.size());
        assertEquals("127.0.0.1:9464", found.get(0).admin());
        assertEquals("service-a", found.get(0).application());
        assertEquals("gray", found.get(0).instanceTag());
        assertTrue(Files.exists(dir.resolve("rules.yaml.agents").resolve(me.key() + ".json")));

        source.close();
        assertEquals(List.of(), new FileRuleSource().announced(rules.toString(), 1000L));
    }

    @Test
    void theAnnouncementOfAProcessThatNoLongerRunsIsIgnored() throws Exception {
        Path rules = dir.resolve("rules.yaml");
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        FileAnnouncements.write(rules, new AgentAnnouncement("killed", null, AgentAnnouncement.thisHost(),
                "127.0.0.1:1", ended.pid(), 1L));
        FileAnnouncements.write(rules, new AgentAnnouncement("elsewhere", null, "another-host", "10.0.0.9:9464",
                ended.pid(), 1L));
        Files.writeString(FileAnnouncements.directory(rules).resolve("junk.json"), "[1, 2]");

        List<AgentAnnouncement> found = new FileRuleSource().announced(rules.toString(), 1000L);
        assertEquals(1, found.size(), "another host's announcement is kept: its liveness is unknown here");
        assertEquals("elsewhere", found.get(0).application());
    }

    @Test
    void noDirectoryMeansNoAgents() throws Exception {
        assertEquals(List.of(), new FileRuleSource().announced(dir.resolve("rules.yaml").toString(), 1000L));
    }
}
