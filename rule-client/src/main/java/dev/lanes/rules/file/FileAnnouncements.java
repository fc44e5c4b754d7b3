package dev.lanes.rules.file;

import dev.lanes.bridge.AgentLog;
import dev.lanes.core.rules.source.AgentAnnouncement;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The announcements of agents whose rules come from one file: a JSON file per agent in the
 * directory {@code <rules file>.agents} beside it, written at start and deleted at shutdown.
 * A file left behind by a JVM that was killed names a process that no longer runs on this
 * host, and is ignored.
 */
final class FileAnnouncements {

    static final String SUFFIX = ".agents";

    private FileAnnouncements() {
    }

    static Path directory(Path rulesFile) {
        return rulesFile.resolveSibling(rulesFile.getFileName() + SUFFIX);
    }

    static Path fileOf(Path rulesFile, AgentAnnouncement a) {
        return directory(rulesFile).resolve(a.key() + ".json");
    }

    /** Writes the file whole (a reader never sees half of it). */
    static void write(Path rulesFile, AgentAnnouncement a) throws IOException {
        Path dir = directory(rulesFile);
        Files.createDirectories(dir);
        Path target = fileOf(rulesFile, a);
        Path tmp = dir.resolve("." + a.key() + ".tmp");
        Files.write(tmp, a.toJson().getBytes(StandardCharsets.UTF_8));
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static void delete(Path rulesFile, AgentAnnouncement a) {
        try {
            Files.deleteIfExists(fileOf(rulesFile, a));
        } catch (IOException e) {
            AgentLog.debug("announcement " + fileOf(rulesFile, a) + " not deleted: " + e);
        }
    }

    /** The announcements of agents that still run (those of other hosts are kept: their liveness is unknown here). */
    static List<AgentAnnouncement> list(Path rulesFile, String localHost) throws IOException {
        List<AgentAnnouncement> out = new ArrayList<AgentAnnouncement>();
        DirectoryStream<Path> files;
        try {
            files = Files.newDirectoryStream(directory(rulesFile), "*.json");
        } catch (NoSuchFileException none) {
            return out;
        }
        try {
            for (Path file : files) {
                AgentAnnouncement a;
                try {
                    a = AgentAnnouncement.parse(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
                } catch (NoSuchFileException gone) {
                    continue;
                } catch (IllegalArgumentException foreign) {
                    AgentLog.warn(file + " is left out: " + foreign.getMessage());
                    continue;
                }
                if (!a.host().equals(localHost) || alive(a.pid())) {
                    out.add(a);
                }
            }
        } finally {
            files.close();
        }
        return out;
    }

    /** Whether the process runs on this host; true when it cannot be told (Java 8 has no ProcessHandle). */
    static boolean alive(long pid) {
        try {
            Class<?> handle = Class.forName("java.lang.ProcessHandle");
            Method of = handle.getMethod("of", long.class);
            Object found = of.invoke(null, pid);
            return (Boolean) found.getClass().getMethod("isPresent").invoke(found);
        } catch (Throwable t) {
            return true;
        }
    }
}
