package dev.lanes.core.rules.source;

import dev.lanes.core.admin.Json;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * What an agent with its admin endpoint on publishes through its rule source so that
 * {@code console --rules SOURCE} finds it: where its admin endpoint answers, and who it is.
 */
public final class AgentAnnouncement {

    private final String application;
    private final String instanceTag;
    /** Null for this JVM's own until first asked: see {@link #ofThisJvm}. */
    private volatile String host;
    private final String admin;
    /** {@link #UNKNOWN_YET} for this JVM's own until first asked. */
    private volatile long pid;
    private final long startedAtMillis;

    private static final long UNKNOWN_YET = Long.MIN_VALUE;
    private static volatile String localHost;

    public AgentAnnouncement(String application, String instanceTag, String host, String admin, long pid,
                             long startedAtMillis) {
        this.application = application;
        this.instanceTag = instanceTag;
        this.host = host == null || host.isEmpty() ? "localhost" : host;
        this.admin = admin;
        this.pid = pid;
        this.startedAtMillis = startedAtMillis;
    }

    /**
     * This JVM's announcement for an admin endpoint on the loopback port {@code adminPort}. The
     * host name and the process id are looked up when the rule source first publishes it, on its
     * own thread: the host name may wait for a name service, and on Java 8 the process id loads
     * the JVM's management classes, neither of which start-up should pay.
     */
    public static AgentAnnouncement ofThisJvm(String application, String instanceTag, int adminPort,
                                              long startedAtMillis) {
        AgentAnnouncement a = new AgentAnnouncement(application, instanceTag, "localhost", "127.0.0.1:" + adminPort,
                UNKNOWN_YET, startedAtMillis);
        a.host = null;
        return a;
    }

    /** This host's name, as announcements carry it (looked up once). */
    public static String thisHost() {
        String name = localHost;
        if (name == null) {
            try {
                name = InetAddress.getLocalHost().getHostName();
            } catch (Throwable t) {
                name = "localhost";
            }
            localHost = name;
        }
        return name;
    }

    private static long thisPid() {
        try {
            // Java 9 and later: ProcessHandle.current().pid(), without the management classes.
            Class<?> handle = Class.forName("java.lang.ProcessHandle");
            Object current = handle.getMethod("current").invoke(null);
            return ((Number) handle.getMethod("pid").invoke(current)).longValue();
        } catch (Throwable java8) {
            String name = ManagementFactory.getRuntimeMXBean().getName();
            int at = name.indexOf('@');
            try {
                return Long.parseLong(at < 0 ? name : name.substring(0, at));
            } catch (NumberFormatException e) {
                return -1L;
            }
        }
    }

    /** The application at announcement time (null when not known yet; {@code GET /lanes} tells it later). */
    public String application() {
        return application;
    }

    public String instanceTag() {
        return instanceTag;
    }

    /** The host the agent runs on, by name. */
    public String host() {
        String h = host;
        if (h == null) {
            h = thisHost();
            host = h;
        }
        return h;
    }

    /** The admin endpoint's address as host:port. */
    public String admin() {
        return admin;
    }

    public long pid() {
        long p = pid;
        if (p == UNKNOWN_YET) {
            p = thisPid();
            pid = p;
        }
        return p;
    }

    public long startedAtMillis() {
        return startedAtMillis;
    }

    /** A name unique among the announcements of one rule source: host and process. */
    public String key() {
        return (host() + "-" + pid()).replaceAll("[^A-Za-z0-9._-]", "_");
    }

    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<String, Object>();
        m.put("application", application);
        m.put("instanceTag", instanceTag);
        m.put("host", host());
        m.put("admin", admin);
        m.put("pid", pid());
        m.put("startedAt", startedAtMillis);
        return Json.write(m);
    }

    /**
     * Reads {@link #toJson()}'s text.
     *
     * @throws IllegalArgumentException when it is not an announcement, naming what is missing
     */
    public static AgentAnnouncement parse(String text) {
        Object doc;
        try {
            doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not an agent announcement: " + e.getMessage());
        }
        if (!(doc instanceof Map) || !(((Map<?, ?>) doc).get("admin") instanceof String)) {
            throw new IllegalArgumentException("not an agent announcement: expected a JSON object with 'admin' "
                    + "(host:port)");
        }
        Map<?, ?> m = (Map<?, ?>) doc;
        return new AgentAnnouncement(text(m.get("application")), text(m.get("instanceTag")), text(m.get("host")),
                (String) m.get("admin"), number(m.get("pid")), number(m.get("startedAt")));
    }

    private static String text(Object o) {
        return o == null ? null : String.valueOf(o);
    }

    private static long number(Object o) {
        return o instanceof Number ? ((Number) o).longValue() : -1L;
    }

    @Override
    public String toString() {
        return (application == null ? "(unknown)" : application) + " at " + admin + " (" + host() + ", pid " + pid() + ")";
    }
}
