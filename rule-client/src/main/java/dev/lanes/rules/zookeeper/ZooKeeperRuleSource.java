package dev.lanes.rules.zookeeper;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.AgentLog;
import dev.lanes.core.rules.RuleDocument;
import dev.lanes.core.rules.source.AgentAnnouncement;
import dev.lanes.core.rules.source.RuleSink;
import dev.lanes.core.rules.source.RuleSource;
import dev.lanes.core.rules.source.RuleSources;
import dev.lanes.rules.center.CenterDocuments;
import dev.lanes.rules.center.CenterLocation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.CuratorWatcher;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;
import org.apache.zookeeper.ClientCnxnSocketNIO;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.Stat;

/**
 * Rules from ZooKeeper ({@code lanes.rules=zookeeper://host:2181/lanes/rules}): one znode per
 * document, {@code <path>/global} and {@code <path>/<app>}, read through Curator with a watch on
 * each, so that a change applies within moments. After a lost connection or session the nodes
 * are read again, which picks up every change made in the meantime; while ZooKeeper is away,
 * the rules in force stay. An agent with its admin endpoint on announces it in an ephemeral node
 * under {@code <parent of path>/agents} (ZooKeeper removes it when the JVM ends), for the console.
 */
public final class ZooKeeperRuleSource implements RuleSource {

    static final String EXAMPLE = "zookeeper://127.0.0.1:2181/lanes/rules";
    static final String DEFAULT_PATH = "/lanes/rules";
    static final String GLOBAL_NODE = "global";
    static final String AGENTS_NODE = "agents";
    private static final String[] PARAMETERS = {"node", "globalNode", "sessionTimeout", "connectionTimeout",
        "digest"};
    static final long MAX_RETRY_MILLIS = 10000L;

    private final long firstRetryMillis;
    private volatile boolean closed;
    private CuratorFramework client;
    private ScheduledExecutorService executor;
    private volatile Target target;
    private String location;
    private CenterDocuments documents;
    private final AtomicBoolean refreshQueued = new AtomicBoolean();
    private long retryMillis;
    private volatile AgentAnnouncement announcement;
    private final AtomicBoolean announceFailureLogged = new AtomicBoolean();
    // The console's client, kept for its polls until close.
    private final Object lookupLock = new Object();
    private CuratorFramework lookups;
    private String lookupsLocation;

    /** The source ServiceLoader creates. */
    public ZooKeeperRuleSource() {
        this(500L);
    }

    ZooKeeperRuleSource(long firstRetryMillis) {
        this.firstRetryMillis = firstRetryMillis;
        this.retryMillis = firstRetryMillis;
    }

    @Override
    public String scheme() {
        return "zookeeper";
    }

    @Override
    public void start(String location, RuleSink sink) {
        start(location, null, sink);
    }

    /** Checks the location, connects and reads in the background; returns at once. */
    @Override
    public synchronized void start(String location, String application, RuleSink sink) {
        if (client != null || closed) {
            throw new IllegalStateException("the zookeeper rule source was already started");
        }
        target = Target.of(location, application);
        this.location = location;
        if (target.note != null) {
            AgentLog.info(target.note);
        }
        documents = new CenterDocuments(sink, target.shown, target.globalNode == null ? null
                : target.origin(target.globalNode), target.appNode == null ? null : target.origin(target.appNode));
        ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, threads("lanes-rules-zookeeper"));
        ex.setRemoveOnCancelPolicy(true);
        executor = ex;
        client = target.client(threads("lanes-rules-zookeeper-client"));
        client.getConnectionStateListenable().addListener(new ConnectionStateListener() {
            @Override
            public void stateChanged(CuratorFramework c, ConnectionState state) {
                if (state == ConnectionState.RECONNECTED || state == ConnectionState.CONNECTED) {
                    // Watches may have been lost with the session, or a read failed before the first
                    // connection: read everything again.
                    refreshSoon();
                } else if (state == ConnectionState.LOST) {
                    documents.failed("lost the connection to ZooKeeper at " + target.hosts
                            + "; reconnecting", null);
                }
            }
        });
        client.start();
        refreshSoon();
    }

    /**
     * Watches {@code <path>/<application>} from now on, when the source was started without a
     * name and without {@code node}.
     */
    @Override
    public synchronized String applicationNameFound(String application) {
        if (client == null || closed || target.appNode != null || application == null
                || application.trim().isEmpty()) {
            return null;
        }
        Target named;
        try {
            named = Target.of(location, application.trim());
        } catch (IllegalArgumentException e) {
            AgentLog.warn("rule source " + target.shown + " cannot read the document of application '"
                    + application + "': " + e.getMessage());
            return null;
        }
        String origin = named.origin(named.appNode);
        if (!documents.addApplication(origin)) {
            return null;
        }
        target = named;
        refreshSoon();
        return origin;
    }

    private static ThreadFactory threads(final String name) {
        return new ThreadFactory() {
            @Override
            public Thread newThread(Runnable r) {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                t.setContextClassLoader(ZooKeeperRuleSource.class.getClassLoader());
                return t;
            }
        };
    }

    private final CuratorWatcher watcher = new CuratorWatcher() {
        @Override
        public void process(WatchedEvent event) {
            if (event.getType() != org.apache.zookeeper.Watcher.Event.EventType.None) {
                refreshSoon();
            }
        }
    };

    /** Queues one read of every node; several triggers before it runs make one read. */
    private void refreshSoon() {
        if (closed || !refreshQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(new Runnable() {
                @Override
                public void run() {
                    refreshQueued.set(false);
                    refresh();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            refreshQueued.set(false);
        }
    }

    private void refresh() {
        if (closed) {
            return;
        }
        try {
            // A node that does not exist is the rule center's answer (no rules from it); an
            // outage or session loss throws and keeps the rules in force.
            Target t = target;
            List<RuleDocument.Role> roles = documents.roles();
            List<String> texts = new ArrayList<String>();
            for (RuleDocument.Role role : roles) {
                texts.add(read(role == RuleDocument.Role.GLOBAL ? t.globalNode : t.appNode));
            }
            int i = 0;
            for (RuleDocument.Role role : roles) {
                documents.update(role, texts.get(i++));
            }
            documents.recovered();
            retryMillis = firstRetryMillis;
            announceIfAbsent(t);
        } catch (Throwable t) {
            if (closed) {
                return;
            }
            if (!(t instanceof KeeperException) && !(t instanceof InterruptedException)) {
                AgentFaults.report("rules:zookeeper", t);
            }
            documents.failed("cannot read rules from ZooKeeper at " + target.hosts + ": " + describe(t), null);
            // Curator reconnects on its own; this retry also covers a read that failed while connected.
            try {
                executor.schedule(new Runnable() {
                    @Override
                    public void run() {
                        refreshSoon();
                    }
                }, retryMillis, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException ignored) {
                // Closed meanwhile.
            }
            retryMillis = Math.min(MAX_RETRY_MILLIS, retryMillis * 2);
        }
    }

    /** Publishes the announcement on this source's own thread: after the next read, and again after a lost session. */
    @Override
    public boolean announce(AgentAnnouncement a) {
        announcement = a;
        refreshSoon();
        return true;
    }

    /**
     * Creates the announcement's ephemeral node when it is absent or still held by an earlier
     * session (which would delete it when it expires), watching it so that a deletion brings it back.
     */
    private void announceIfAbsent(Target t) {
        AgentAnnouncement a = announcement;
        if (a == null) {
            return;
        }
        String path = t.agentsPath + "/" + a.key();
        try {
            Stat stat = client.checkExists().usingWatcher(watcher).forPath(path);
            long session = client.getZookeeperClient().getZooKeeper().getSessionId();
            if (stat != null && stat.getEphemeralOwner() != session) {
                client.delete().withVersion(stat.getVersion()).forPath(path);
                stat = null;
            }
            if (stat == null) {
                client.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
                        .forPath(path, a.toJson().getBytes(StandardCharsets.UTF_8));
            }
        } catch (KeeperException.NodeExistsException raced) {
            // Created in between.
        } catch (Throwable e) {
            if (announceFailureLogged.compareAndSet(false, true)) {
                AgentLog.warn("cannot announce the admin endpoint at zookeeper:" + path + " (" + describe(e)
                        + "); console --rules will not list this agent. Rules are not affected.");
            }
        }
    }

    /** The node's text, watching it for a change; null (watching for its creation) when it does not exist. */
    private String read(String path) throws Exception {
        while (true) {
            try {
                byte[] data = client.getData().usingWatcher(watcher).forPath(path);
                return data == null ? "" : new String(data, StandardCharsets.UTF_8);
            } catch (KeeperException.NoNodeException e) {
                Stat stat = client.checkExists().usingWatcher(watcher).forPath(path);
                if (stat == null) {
                    return null;
                }
                // Created in between: read it.
            }
        }
    }

    private static String describe(Throwable t) {
        if (t instanceof KeeperException) {
            KeeperException k = (KeeperException) t;
            return k.code() + (k.getPath() == null ? "" : " at " + k.getPath());
        }
        return String.valueOf(t);
    }

    /** Stops watching and closes the client; nothing is delivered after it returns. */
    @Override
    public void close() {
        closed = true;
        closeLookups();
        ScheduledExecutorService ex;
        CuratorFramework c;
        synchronized (this) {
            ex = executor;
            c = client;
        }
        if (ex != null) {
            ex.shutdownNow();
            try {
                ex.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        AgentAnnouncement a = announcement;
        if (c != null && a != null) {
            try {
                c.delete().quietly().forPath(target.agentsPath + "/" + a.key());
            } catch (Throwable t) {
                AgentLog.debug("zookeeper announcement not deleted (" + t + "); it ends with the session");
            }
        }
        if (c != null) {
            try {
                c.close();
            } catch (Throwable t) {
                AgentLog.debug("zookeeper client closed with " + t);
            }
        }
    }

    @Override
    public List<RuleDocument> read(String location, String application, long timeoutMillis) throws Exception {
        Target t = Target.of(location, application);
        CuratorFramework c = connected(t, timeoutMillis);
        try {
            List<RuleDocument> docs = new ArrayList<RuleDocument>();
            for (String path : new String[] {t.globalNode, t.appNode}) {
                if (path == null) {
                    continue;
                }
                try {
                    byte[] data = c.getData().forPath(path);
                    docs.add(new RuleDocument(path.equals(t.globalNode) ? RuleDocument.Role.GLOBAL
                            : RuleDocument.Role.APPLICATION, t.origin(path),
                            data == null ? "" : new String(data, StandardCharsets.UTF_8)));
                } catch (KeeperException.NoNodeException absent) {
                    // Left out.
                }
            }
            return docs;
        } finally {
            c.close();
        }
    }

    /** The announced agents, through one client kept open (Curator reconnects it) until {@link #close()}. */
    @Override
    public List<AgentAnnouncement> announced(String location, long timeoutMillis) throws Exception {
        Target t = Target.of(location, null);
        synchronized (lookupLock) {
            CuratorFramework c = lookups(location, t, timeoutMillis);
            List<AgentAnnouncement> out = new ArrayList<AgentAnnouncement>();
            List<String> children;
            try {
                children = c.getChildren().forPath(t.agentsPath);
            } catch (KeeperException.NoNodeException none) {
                return out;
            }
            for (String child : children) {
                try {
                    out.add(AgentAnnouncement.parse(new String(c.getData().forPath(t.agentsPath + "/" + child),
                            StandardCharsets.UTF_8)));
                } catch (KeeperException.NoNodeException gone) {
                    // Its JVM ended in between.
                } catch (IllegalArgumentException foreign) {
                    AgentLog.warn("zookeeper:" + t.agentsPath + "/" + child + " is left out: " + foreign.getMessage());
                }
            }
            return out;
        }
    }

    /** The console's client: started at the first look-up, waited for while it is not connected. */
    private CuratorFramework lookups(String location, Target t, long timeoutMillis) throws InterruptedException {
        if (closed) {
            throw new IllegalStateException("the zookeeper rule source was closed");
        }
        if (lookups != null && (!location.equals(lookupsLocation)
                || lookups.getState() != CuratorFrameworkState.STARTED)) {
            closeLookups();
        }
        if (lookups == null) {
            lookups = t.client(threads("lanes-console-zookeeper"));
            lookups.start();
            lookupsLocation = location;
        }
        if (!lookups.getZookeeperClient().isConnected()
                && !lookups.blockUntilConnected((int) timeoutMillis, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("cannot connect to ZooKeeper at " + t.hosts + " within " + timeoutMillis
                    + " ms");
        }
        return lookups;
    }

    private void closeLookups() {
        synchronized (lookupLock) {
            if (lookups != null) {
                lookups.close();
                lookups = null;
            }
        }
    }

    @Override
    public String write(String location, String application, RuleDocument.Role role, String text,
                        long timeoutMillis) throws Exception {
        Target t = Target.of(location, application);
        String path = role == RuleDocument.Role.GLOBAL ? t.globalNode : t.appNode;
        if (path == null) {
            throw new IllegalArgumentException(role == RuleDocument.Role.GLOBAL
                    ? "no global document: globalNode is empty" + (t.note == null ? "" : ", and node names the global "
                    + "node") : "no application document: give --app NAME or node=");
        }
        CuratorFramework c = connected(t, timeoutMillis);
        try {
            c.create().orSetData().creatingParentsIfNeeded().forPath(path, text.getBytes(StandardCharsets.UTF_8));
            return t.origin(path);
        } finally {
            c.close();
        }
    }

    /** A started client, connected within {@code timeoutMillis}, for the command line. */
    private static CuratorFramework connected(Target t, long timeoutMillis) throws InterruptedException {
        CuratorFramework c = t.client(threads("lanes-cli-zookeeper"));
        c.start();
        if (!c.blockUntilConnected((int) timeoutMillis, TimeUnit.MILLISECONDS)) {
            c.close();
            throw new IllegalStateException("cannot connect to ZooKeeper at " + t.hosts + " within " + timeoutMillis
                    + " ms");
        }
        return c;
    }

    /** What a zookeeper: location names. */
    static final class Target {
        final String hosts;
        final String appNode;
        final String globalNode;
        /** Where agents announce their admin endpoint: "agents" beside the rules' path. */
        final String agentsPath;
        final int sessionTimeoutMillis;
        final int connectionTimeoutMillis;
        final String digest;
        final String shown;
        /** Said once at start when the location is read otherwise than written; null when not. */
        final String note;

        private Target(CenterLocation location, String application, String shown) {
            this.shown = shown;
            this.hosts = location.hosts();
            String base = location.path().isEmpty() || location.path().equals("/") ? DEFAULT_PATH : location.path();
            if (base.endsWith("/")) {
                base = base.substring(0, base.length() - 1);
            }
            int slash = base.lastIndexOf('/');
            this.agentsPath = (slash <= 0 ? "" : base.substring(0, slash)) + "/" + AGENTS_NODE;
            String node = location.get("node");
            this.appNode = node != null && !node.isEmpty() ? checkPath(node, "node")
                    : application != null && !application.isEmpty() ? checkPath(base + "/" + application, "path") : null;
            String global = location.get("globalNode");
            String defaultGlobal = checkPath(base + "/" + GLOBAL_NODE, "path");
            if (global == null && node != null && node.equals(defaultGlobal)) {
                // The one node the user named is the application's, not the global one read twice.
                this.globalNode = null;
                this.note = "zookeeper: node=" + node + " is also the global node's default path; reading it once, "
                        + "as this application's document (give globalNode=... to read a global document too)";
            } else {
                this.globalNode = global == null ? defaultGlobal : global.isEmpty() ? null
                        : checkPath(global, "globalNode");
                this.note = null;
            }
            if (appNode == null && globalNode == null) {
                throw new IllegalArgumentException("zookeeper: no document to read: the application name is unknown "
                        + "(set lanes.app) and globalNode is empty; give node=... or keep the global document");
            }
            if (appNode != null && appNode.equals(globalNode)) {
                throw new IllegalArgumentException("zookeeper: the application's node and the global node are both '"
                        + appNode + "' (an application may not be called '" + GLOBAL_NODE + "')");
            }
            this.sessionTimeoutMillis = (int) location.millis("sessionTimeout", 30000L, 1000L, 600000L);
            this.connectionTimeoutMillis = (int) location.millis("connectionTimeout", 5000L, 100L, 600000L);
            this.digest = location.get("digest");
            if (digest != null && digest.indexOf(':') <= 0) {
                throw new IllegalArgumentException("zookeeper: digest=" + RuleSources.redact("?digest=" + digest)
                        .substring("?digest=".length()) + " is invalid; expected user:password");
            }
        }

        static Target of(String location, String application) {
            CenterLocation parsed = CenterLocation.parse("zookeeper", location, 2181, EXAMPLE, PARAMETERS);
            return new Target(parsed, application, RuleSources.redact("zookeeper:" + location));
        }

        private static String checkPath(String path, String what) {
            if (!path.startsWith("/") || path.endsWith("/") || path.contains("//") || path.contains("/./")
                    || path.contains("/../")) {
                throw new IllegalArgumentException("zookeeper: " + what + " '" + path + "' is not a znode path; "
                        + "expected an absolute path such as /lanes/rules/orders");
            }
            return path;
        }

        String origin(String path) {
            return "zookeeper:" + path;
        }

        CuratorFramework client(ThreadFactory threads) {
            ZKClientConfig config = new ZKClientConfig();
            // Settings the application may have made for its own ZooKeeper client name classes it
            // loads, or SASL it set up: the agent's relocated client uses its own plain NIO socket.
            config.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, ClientCnxnSocketNIO.class.getName());
            config.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
            config.setProperty(ZKClientConfig.SECURE_CLIENT, "false");
            // Without it, a read queued while the client cannot connect may wait for ever, and with
            // it the reads that pick up changes after an outage.
            config.setProperty(ZKClientConfig.ZOOKEEPER_REQUEST_TIMEOUT,
                    String.valueOf(Math.max(3000, 2 * connectionTimeoutMillis)));
            CuratorFrameworkFactory.Builder b = CuratorFrameworkFactory.builder()
                    .connectString(hosts)
                    .sessionTimeoutMs(sessionTimeoutMillis)
                    .connectionTimeoutMs(connectionTimeoutMillis)
                    .retryPolicy(new BoundedExponentialBackoffRetry(200, 2000, 3))
                    .zkClientConfig(config)
                    .threadFactory(threads);
            if (digest != null) {
                b.authorization("digest", digest.getBytes(StandardCharsets.UTF_8));
            }
            return b.build();
        }
    }
}
