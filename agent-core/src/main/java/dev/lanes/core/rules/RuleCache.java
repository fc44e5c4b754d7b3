package dev.lanes.core.rules;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

/**
 * The last good rules of a rule center, kept in a local file so that an application that
 * restarts while its rule center is down starts with them. It keeps the documents exactly as
 * delivered, so that restored rules have the same version and lines as the originals.
 */
public final class RuleCache {

    private static final int FORMAT = 1;
    // Two documents of at most 1 Mi characters each, escaped.
    private static final int MAX_CODE_POINTS = 8 * RuleParser.MAX_DOCUMENT_CHARS;

    private final File file;

    public RuleCache(File file) {
        this.file = file;
    }

    public File file() {
        return file;
    }

    /**
     * The default cache file of an application and rule source:
     * {@code ~/.lanes/rules-cache/<app>-<hash of the source>.yaml}, so that two applications, or
     * two sources, on one machine never share one.
     */
    public static File defaultFile(String application, String sourceSetting) {
        String home = System.getProperty("user.home");
        File dir = new File(home == null || home.isEmpty() || "?".equals(home)
                ? System.getProperty("java.io.tmpdir") : home, ".lanes" + File.separator + "rules-cache");
        String app = application == null ? "default" : application.replaceAll("[^A-Za-z0-9._-]", "_");
        return new File(dir, app + "-" + shortHash(sourceSetting) + ".yaml");
    }

    /** What the cache holds. */
    public static final class Entry {
        private final String source;
        private final String version;
        private final String savedAt;
        private final List<RuleDocument> documents;
        private final List<RuleStore.Removed> removed;

        Entry(String source, String version, String savedAt, List<RuleDocument> documents,
              List<RuleStore.Removed> removed) {
            this.source = source;
            this.version = version;
            this.savedAt = savedAt;
            this.documents = Collections.unmodifiableList(documents);
            this.removed = Collections.unmodifiableList(removed);
        }

        /** Documents the rule center said no longer exist, kept so that an operator can push them again. */
        public List<RuleStore.Removed> removed() {
            return removed;
        }

        /** The rule source they came from, with secrets redacted. */
        public String source() {
            return source;
        }

        public String version() {
            return version;
        }

        public String savedAt() {
            return savedAt;
        }

        public List<RuleDocument> documents() {
            return documents;
        }
    }

    /**
     * Replaces the cache with {@code documents}, atomically: a reader sees the old file or the
     * new one, never a part.
     *
     * @param source the rule source, secrets redacted
     */
    public void save(List<RuleDocument> documents, String source, String version) throws IOException {
        save(documents, Collections.<RuleStore.Removed>emptyList(), source, version);
    }

    /**
     * As {@link #save(List, String, String)}, with the documents the rule center said no longer
     * exist: they are never put in force again, only shown ({@code rules get --cache}).
     */
    public void save(List<RuleDocument> documents, List<RuleStore.Removed> removed, String source, String version)
            throws IOException {
        Map<String, Object> doc = new LinkedHashMap<String, Object>();
        doc.put("format", FORMAT);
        doc.put("source", source);
        doc.put("version", version);
        doc.put("savedAt", now());
        List<Object> docs = new ArrayList<Object>();
        for (RuleDocument d : documents) {
            Map<String, Object> m = new LinkedHashMap<String, Object>();
            m.put("role", d.role().label());
            m.put("origin", d.origin());
            m.put("text", d.text());
            docs.add(m);
        }
        doc.put("documents", docs);
        if (!removed.isEmpty()) {
            List<Object> gone = new ArrayList<Object>();
            for (RuleStore.Removed r : removed) {
                Map<String, Object> m = new LinkedHashMap<String, Object>();
                m.put("role", r.document().role().label());
                m.put("origin", r.origin());
                m.put("version", r.version());
                m.put("removedAt", time(r.removedAtMillis()));
                m.put("text", r.document().text());
                gone.add(m);
            }
            doc.put("removed", gone);
        }
        String text = "# The last good Lanes rules from " + source.replace('\n', ' ') + ".\n"
                + "# Written by the agent; read at start when the rule source cannot be reached. Do not edit.\n"
                + yaml().dump(doc);
        Path target = file.toPath().toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, target.getFileName().toString(), ".tmp");
        try {
            Files.write(temp, text.getBytes(StandardCharsets.UTF_8));
            try {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * The cached rules, or null when there is no cache file.
     *
     * @throws IOException when the file cannot be read or is not a cache file
     */
    public Entry load() throws IOException {
        if (!file.isFile()) {
            return null;
        }
        String text = new String(Files.readAllBytes(file.toPath()), StandardCharsets.UTF_8);
        Object root;
        try {
            root = yaml().load(text);
        } catch (RuntimeException e) {
            throw new IOException("the rules cache " + file + " is not readable YAML: " + e.getMessage());
        }
        if (!(root instanceof Map) || !Integer.valueOf(FORMAT).equals(((Map<?, ?>) root).get("format"))
                || !(((Map<?, ?>) root).get("documents") instanceof List)) {
            throw new IOException("the rules cache " + file + " is not a Lanes rules cache (format " + FORMAT + ")");
        }
        Map<?, ?> map = (Map<?, ?>) root;
        List<RuleDocument> documents = new ArrayList<RuleDocument>();
        for (Object item : (List<?>) map.get("documents")) {
            if (!(item instanceof Map)) {
                throw new IOException("the rules cache " + file + " holds a malformed document entry");
            }
            Map<?, ?> d = (Map<?, ?>) item;
            RuleDocument.Role role = RuleDocument.Role.of(String.valueOf(d.get("role")));
            Object origin = d.get("origin");
            Object docText = d.get("text");
            if (role == null || !(origin instanceof String) || !(docText instanceof String)) {
                throw new IOException("the rules cache " + file + " holds a malformed document entry");
            }
            documents.add(new RuleDocument(role, (String) origin, (String) docText));
        }
        List<RuleStore.Removed> removed = new ArrayList<RuleStore.Removed>();
        if (map.get("removed") instanceof List) {
            for (Object item : (List<?>) map.get("removed")) {
                if (!(item instanceof Map)) {
                    continue;
                }
                Map<?, ?> d = (Map<?, ?>) item;
                RuleDocument.Role role = RuleDocument.Role.of(String.valueOf(d.get("role")));
                if (role != null && d.get("origin") instanceof String && d.get("text") instanceof String) {
                    removed.add(new RuleStore.Removed(new RuleDocument(role, (String) d.get("origin"),
                            (String) d.get("text")), String.valueOf(d.get("version")),
                            parseTime(String.valueOf(d.get("removedAt")))));
                }
            }
        }
        return new Entry(String.valueOf(map.get("source")), String.valueOf(map.get("version")),
                String.valueOf(map.get("savedAt")), documents, removed);
    }

    private static Yaml yaml() {
        LoaderOptions loader = new LoaderOptions();
        loader.setCodePointLimit(MAX_CODE_POINTS);
        loader.setAllowDuplicateKeys(false);
        DumperOptions dumper = new DumperOptions();
        dumper.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        dumper.setWidth(Integer.MAX_VALUE);
        return new Yaml(new SafeConstructor(loader), new Representer(dumper), dumper, loader);
    }

    private static String now() {
        return time(System.currentTimeMillis());
    }

    private static SimpleDateFormat utc() {
        SimpleDateFormat f = new SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT);
        f.setTimeZone(TimeZone.getTimeZone("UTC"));
        return f;
    }

    /** A time as the cache writes it, in UTC. */
    public static String utcTime(long millis) {
        return time(millis);
    }

    private static String time(long millis) {
        return utc().format(new Date(millis));
    }

    private static long parseTime(String text) {
        try {
            return utc().parse(text).getTime();
        } catch (java.text.ParseException e) {
            return 0L;
        }
    }

    private static String shortHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                    (text == null ? "" : text).getBytes(StandardCharsets.UTF_8));
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 6; i++) {
                sb.append(String.format("%02x", digest[i] & 0xff));
            }
            return sb.toString();
        } catch (java.security.NoSuchAlgorithmException e) {
            return Integer.toHexString((text == null ? "" : text).hashCode());
        }
    }
}
