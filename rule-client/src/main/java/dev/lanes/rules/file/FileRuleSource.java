package dev.lanes.rules.file;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.AgentLog;
import dev.lanes.core.rules.RuleParser;
import dev.lanes.core.rules.source.AgentAnnouncement;
import dev.lanes.core.rules.source.RuleSink;
import dev.lanes.core.rules.source.RuleSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

/**
 * Rules from a local file ({@code lanes.rules=file:/etc/lanes/rules.yaml}): read at start, then
 * watched, and every change of content applied within a second, without a restart.
 *
 * <p>It polls rather than using {@link java.nio.file.WatchService}: WatchService misses changes
 * on network and container-mounted filesystems (NFS, Kubernetes ConfigMap symlink swaps, some
 * overlay mounts), on macOS it polls anyway at a coarse interval, and it watches a directory,
 * not a file, so renames and recreations need their own bookkeeping. Reading a few file
 * attributes every 200 ms costs next to nothing and behaves the same everywhere.
 *
 * <p>An agent with its admin endpoint on announces it in {@code <file>.agents/}, for the console
 * ({@link FileAnnouncements}).
 */
public final class FileRuleSource implements RuleSource {

    static final long DEFAULT_POLL_MILLIS = 200L;
    // Filesystems keep modification times at a granularity of up to 2 s (FAT; 1 s on ext3,
    // HFS+ and some NFS servers), so a second edit soon after a read can leave size and mtime
    // unchanged. While the file's mtime is this close to the time of our last read, it is read
    // and hashed on every poll, as git does for "racily clean" files.
    static final long RACY_MILLIS = 3000L;
    // A backstop for clocks that disagree (a file server's against ours): read the content at
    // least this often even when nothing seems to have changed.
    static final long REREAD_MILLIS = 10000L;
    // A document may hold at most 1 Mi characters; in UTF-8 that is at most 4 MiB.
    static final long MAX_FILE_BYTES = 4L * RuleParser.MAX_DOCUMENT_CHARS;

    private final long pollMillis;
    private volatile boolean closed;
    // Polls the watcher has finished: a test waits for one that began after its edit, not for time.
    private volatile long polls;
    private Thread watcher;
    /** Written by the watcher thread, then kept to be deleted at close. */
    private volatile AgentAnnouncement announcement;
    /** Set by {@link #announce}, written by the watcher on its next poll (off the start-up thread). */
    private volatile AgentAnnouncement toAnnounce;

    private Path path;
    private String origin;
    private RuleSink sink;

    // Touched by the thread calling start, then only by the watcher thread (Thread.start orders them).
    private boolean known;
    private long size;
    private long modifiedMillis;
    private Object fileKey;
    private long readAtMillis;
    private byte[] deliveredHash;
    private String reportedProblem;
    private int missingPolls;

    /** The source ServiceLoader creates: polls every 200 ms. */
    public FileRuleSource() {
        this(DEFAULT_POLL_MILLIS);
    }

    FileRuleSource(long pollMillis) {
        this.pollMillis = pollMillis;
    }

    @Override
    public String scheme() {
        return "file";
    }

    /**
     * Reads the file now, delivering its document or a source error when it is missing or
     * unreadable, and starts a daemon thread that watches it.
     *
     * @param location a path, such as "/etc/lanes/rules.yaml", "rules.yaml" (relative to the
     *                 working directory) or "///etc/lanes/rules.yaml" (from file:///...)
     * @throws IllegalArgumentException when the location is not a local path
     */
    @Override
    public synchronized void start(String location, RuleSink sink) {
        if (watcher != null || closed) {
            throw new IllegalStateException("the file rule source for " + origin + " was already started");
        }
        this.path = toPath(location);
        this.origin = "file:" + path;
        this.sink = sink;
        poll(true);
        Thread thread = new Thread(new Runnable() {
            @Override
            public void run() {
                watch();
            }
        }, "lanes-rules-file");
        thread.setDaemon(true);
        watcher = thread;
        thread.start();
    }

    @Override
    public boolean announce(AgentAnnouncement a) {
        if (path == null || closed) {
            return false;
        }
        toAnnounce = a;
        return true;
    }

    /** On the watcher thread: writes the announcement {@link #announce} was given. */
    private void announcePending() {
        AgentAnnouncement a = toAnnounce;
        if (a == null) {
            return;
        }
        toAnnounce = null;
        try {
            FileAnnouncements.write(path, a);
            announcement = a;
            if (closed) {
                FileAnnouncements.delete(path, a);
            }
        } catch (Throwable t) {
            AgentLog.warn("cannot announce the admin endpoint in " + FileAnnouncements.directory(path) + " (" + t
                    + "); console --rules will not list this agent. Rules are not affected.");
        }
    }

    @Override
    public List<AgentAnnouncement> announced(String location, long timeoutMillis) throws IOException {
        return FileAnnouncements.list(toPath(location), AgentAnnouncement.thisHost());
    }

    /**
     * Stops the watcher thread and waits for it, so that nothing is delivered after this returns;
     * deletes the announcement.
     */
    @Override
    public void close() {
        closed = true;
        AgentAnnouncement a = announcement;
        if (a != null) {
            FileAnnouncements.delete(path, a);
        }
        Thread thread;
        synchronized (this) {
            thread = watcher;
        }
        if (thread == null || thread == Thread.currentThread()) {
            return;
        }
        thread.interrupt();
        try {
            thread.join(5000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The file watched, once started. */
    public Path path() {
        return path;
    }

    static Path toPath(String location) {
        String p = location == null ? "" : location.trim();
        if (p.startsWith("//")) {
            // file:///etc/x and file://localhost/etc/x name a local path; file://host/x does not.
            String rest = p.substring(2);
            if (rest.startsWith("localhost/")) {
                rest = rest.substring("localhost".length());
            }
            if (!rest.startsWith("/")) {
                throw new IllegalArgumentException("file:" + location + " names a host; expected a local path "
                        + "such as file:/etc/lanes/rules.yaml");
            }
            p = rest;
        }
        if (p.isEmpty()) {
            throw new IllegalArgumentException("file:" + location + " names no file; expected a local path such "
                    + "as file:/etc/lanes/rules.yaml");
        }
        try {
            return Paths.get(p).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("file:" + location + " is not a valid path (" + e.getMessage()
                    + "); expected a local path such as file:/etc/lanes/rules.yaml");
        }
    }

    private void watch() {
        while (!closed) {
            try {
                Thread.sleep(pollMillis);
            } catch (InterruptedException e) {
                continue;
            }
            if (closed) {
                return;
            }
            try {
                poll(false);
                announcePending();
            } catch (Throwable t) {
                AgentFaults.report("rules:file-watch", t);
            }
            polls++;
        }
    }

    /** How many polls the watcher thread has finished (it alone writes the count). */
    long polls() {
        return polls;
    }

    private void poll(boolean first) {
        try {
            check();
        } catch (NoSuchFileException e) {
            forget();
            // Editors that save by renaming leave the path empty for a moment: report a missing
            // file only when it stays missing for a second poll (or at start).
            missingPolls++;
            if (first || missingPolls >= 2) {
                report("the rules file " + path + " does not exist; its rules apply as soon as it is created");
            }
        } catch (IOException e) {
            forget();
            report("cannot read the rules file " + path + ": " + e);
        }
    }

    private void check() throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
        missingPolls = 0;
        if (!attributes.isRegularFile()) {
            forget();
            report("the rules file " + path + " is not a regular file");
            return;
        }
        long now = System.currentTimeMillis();
        long newSize = attributes.size();
        long newModified = attributes.lastModifiedTime().toMillis();
        Object newKey = attributes.fileKey();
        boolean unchanged = known && newSize == size && newModified == modifiedMillis
                && (newKey == null ? fileKey == null : newKey.equals(fileKey));
        boolean racy = newModified >= readAtMillis - RACY_MILLIS;
        if (unchanged && !racy && now - readAtMillis < REREAD_MILLIS) {
            return;
        }
        if (newSize > MAX_FILE_BYTES) {
            remember(newSize, newModified, newKey, now);
            report("the rules file " + path + " has " + newSize + " bytes; at most " + MAX_FILE_BYTES
                    + " are read");
            return;
        }
        byte[] bytes = Files.readAllBytes(path);
        // The attributes from before the read: a change during the read shows at the next poll.
        remember(newSize, newModified, newKey, now);
        if (reportedProblem != null) {
            reportedProblem = null;
            AgentLog.info("the rules file " + path + " can be read now");
        }
        byte[] hash = sha256(bytes);
        if (Arrays.equals(hash, deliveredHash)) {
            return;
        }
        deliveredHash = hash;
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            // Reported once per content (the hash is remembered), not as a lasting read problem.
            sink.sourceError("the rules file " + path + " is not valid UTF-8 text", null);
            return;
        }
        sink.accept(text, origin);
    }

    private void remember(long newSize, long newModified, Object newKey, long now) {
        known = true;
        size = newSize;
        modifiedMillis = newModified;
        fileKey = newKey;
        readAtMillis = now;
    }

    private void forget() {
        known = false;
    }

    /** Reports a lasting problem once, not on every poll. */
    private void report(String message) {
        if (message.equals(reportedProblem)) {
            return;
        }
        reportedProblem = message;
        sink.sourceError(message, null);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform provides SHA-256; should one not, compare the bytes themselves.
            return bytes.clone();
        }
    }
}
