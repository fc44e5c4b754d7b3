package dev.lanes.rules.nacos;

import com.alibaba.nacos.api.PropertyKeyConst;
import com.alibaba.nacos.api.config.ConfigService;
import com.alibaba.nacos.api.config.listener.Listener;
import com.alibaba.nacos.api.exception.NacosException;
import com.alibaba.nacos.api.naming.CommonParams;
import com.alibaba.nacos.api.naming.NamingService;
import com.alibaba.nacos.api.naming.pojo.Instance;
import com.alibaba.nacos.client.config.NacosConfigService;
import com.alibaba.nacos.client.naming.NacosNamingService;
import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.AgentLog;
import dev.lanes.core.rules.RuleDocument;
import dev.lanes.core.rules.source.AgentAnnouncement;
import dev.lanes.core.rules.source.RuleSink;
import dev.lanes.core.rules.source.RuleSource;
import dev.lanes.core.rules.source.RuleSources;
import dev.lanes.rules.center.CenterDocuments;
import dev.lanes.rules.center.CenterLocation;
import dev.lanes.rules.logging.JulForwarding;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Rules from Nacos config ({@code lanes.rules=nacos://host:8848?namespace=...&group=...}): the
 * global document {@code lanes-rules.yaml} and the application's own
 * {@code <app>.lanes-rules.yaml}, read in the background and then pushed by Nacos to a listener,
 * so that a change applies within moments. A thin adapter over nacos-client's
 * {@link ConfigService}; the client is relocated inside the agent jar, so the application's own
 * nacos-client, of any version, never meets it. An agent with its admin endpoint on announces it
 * as an ephemeral instance of the service {@code lanes-agents} in the rules' namespace and group
 * (Nacos drops it when the JVM's connection ends), for the console.
 */
public final class NacosRuleSource implements RuleSource {

    static final String EXAMPLE = "nacos://127.0.0.1:8848?namespace=NS&group=DEFAULT_GROUP";
    static final String GLOBAL_DATA_ID = "lanes-rules.yaml";
    static final String APP_DATA_ID_SUFFIX = ".lanes-rules.yaml";
    static final String DEFAULT_GROUP = "DEFAULT_GROUP";
    static final long DEFAULT_TIMEOUT_MILLIS = 3000L;
    static final long MAX_RETRY_MILLIS = 30000L;
    /** The Nacos service whose ephemeral instances are the announced agents. */
    static final String AGENTS_SERVICE = "lanes-agents";
    private static final String UP = "UP";
    private static final String[] PARAMETERS = {"namespace", "group", "dataId", "globalDataId", "username",
        "password", "accessKey", "secretKey", "timeout", "contextPath"};

    /** Creates the client from its properties; tests pass their own. */
    public interface ConfigServiceFactory {
        ConfigService create(Properties properties) throws NacosException;
    }

    /** Creates the naming client, for announcements, from its properties; tests pass their own. */
    public interface NamingServiceFactory {
        NamingService create(Properties properties) throws NacosException;
    }

    private final ConfigServiceFactory factory;
    private final NamingServiceFactory namingFactory;
    private volatile AgentAnnouncement announcement;
    private final AtomicBoolean announceFailureLogged = new AtomicBoolean();
    // The agent's naming client and its registered instance: set on the worker, read at close.
    private volatile NamingService naming;
    private Instance registered;
    // The console's naming client, kept for its polls until close.
    private final Object lookupLock = new Object();
    private NamingService lookups;
    private String lookupsLocation;
    private final long firstRetryMillis;
    private volatile boolean closed;
    private Thread worker;
    private boolean started;
    private volatile ConfigService service;
    private String location;
    private volatile Target target;
    private CenterDocuments documents;
    // The listener of each document, made once (nacos-client keeps one registration per
    // listener object), and those registered with the client.
    private final Map<RuleDocument.Role, Listener> made = new EnumMap<RuleDocument.Role, Listener>(
            RuleDocument.Role.class);
    private final Map<RuleDocument.Role, Listener> listeners =
            new EnumMap<RuleDocument.Role, Listener>(RuleDocument.Role.class);

    /** The source ServiceLoader creates: the real nacos-client. */
    public NacosRuleSource() {
        this(new ConfigServiceFactory() {
            @Override
            public ConfigService create(Properties properties) throws NacosException {
                return new NacosConfigService(properties);
            }
        }, 1000L);
    }

    public NacosRuleSource(ConfigServiceFactory factory, long firstRetryMillis) {
        this(factory, new NamingServiceFactory() {
            @Override
            public NamingService create(Properties properties) throws NacosException {
                return new NacosNamingService(properties);
            }
        }, firstRetryMillis);
    }

    public NacosRuleSource(ConfigServiceFactory factory, NamingServiceFactory namingFactory, long firstRetryMillis) {
        this.factory = factory;
        this.namingFactory = namingFactory;
        this.firstRetryMillis = firstRetryMillis;
    }

    @Override
    public String scheme() {
        return "nacos";
    }

    @Override
    public void start(String location, RuleSink sink) throws Exception {
        start(location, null, sink);
    }

    /** Checks the location, then reads and listens on a daemon thread; returns at once. */
    @Override
    public synchronized void start(String location, String application, RuleSink sink) {
        if (started || closed) {
            throw new IllegalStateException("the nacos rule source was already started");
        }
        target = Target.of(location, application);
        this.location = location;
        started = true;
        if (target.note != null) {
            AgentLog.info(target.note);
        }
        forwardJul();
        documents = new CenterDocuments(sink, target.shown, target.globalDataId == null ? null
                : target.origin(target.globalDataId), target.appDataId == null ? null : target.origin(target.appDataId));
        startWorker();
    }

    /** Reads, on a daemon thread, every document not yet listened to. */
    private void startWorker() {
        Thread thread = new Thread(new Runnable() {
            @Override
            public void run() {
                connect();
            }
        }, "lanes-rules-nacos");
        thread.setDaemon(true);
        // nacos-client finds its own extensions (request types, auth) with ServiceLoader through
        // the context class loader; on this thread, and the client's threads it starts, that is
        // the agent's loader, where they live.
        thread.setContextClassLoader(NacosRuleSource.class.getClassLoader());
        worker = thread;
        thread.start();
    }

    /**
     * Listens to {@code <application>.lanes-rules.yaml} from now on, when the source was started
     * without a name and without {@code dataId}.
     */
    @Override
    public synchronized String applicationNameFound(String application) {
        if (!started || closed || target.appDataId != null || application == null || application.trim().isEmpty()) {
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
        String origin = named.origin(named.appDataId);
        if (!documents.addApplication(origin)) {
            return null;
        }
        target = named;
        if (worker == null) {
            startWorker();
        }
        return origin;
    }

    /** The next document not listened to yet, or null. */
    private synchronized RuleDocument.Role unread() {
        for (RuleDocument.Role role : documents.roles()) {
            if (!listeners.containsKey(role)) {
                return role;
            }
        }
        return null;
    }

    /** Ends the worker when every document is listened to and the announcement is registered; otherwise it goes on. */
    private synchronized boolean finished() {
        if (unread() == null && (announcement == null || registered != null)) {
            worker = null;
            return true;
        }
        return false;
    }

    private void connect() {
        long retry = firstRetryMillis;
        while (!closed) {
            try {
                if (service == null) {
                    service = factory.create(target.properties());
                }
                RuleDocument.Role role;
                while (!closed && (role = unread()) != null) {
                    Target t = target;
                    String dataId = t.dataId(role);
                    Listener listener = listener(role);
                    boolean upBefore = UP.equals(service.getServerStatus());
                    String text = service.getConfigAndSignListener(dataId, t.group, t.timeoutMillis, listener);
                    String status = service.getServerStatus();
                    if (text == null && !(upBefore && UP.equals(status))) {
                        // nacos-client answers null, not an error, when it cannot reach the server
                        // and holds no copy: that is an outage, not a document that does not exist.
                        documents.failed("cannot read rules from Nacos at " + t.hosts + ": the client is not "
                                + "connected (server status " + status + ")", null);
                        break;
                    }
                    synchronized (this) {
                        listeners.put(role, listener);
                    }
                    documents.update(role, text);
                }
                if (!closed) {
                    register();
                }
                if (closed || finished()) {
                    return;
                }
            } catch (NacosException e) {
                documents.failed("cannot read rules from Nacos at " + target.hosts + ": " + describe(e), null);
            } catch (Throwable t) {
                AgentFaults.report("rules:nacos", t);
                documents.failed("cannot read rules from Nacos at " + target.hosts + ": " + t, null);
            }
            sleep(retry);
            retry = Math.min(MAX_RETRY_MILLIS, retry * 2);
        }
        synchronized (this) {
            worker = null;
        }
    }

    /** Registers the announcement on this source's own thread, after the documents are read. */
    @Override
    public synchronized boolean announce(AgentAnnouncement a) {
        if (!started || closed) {
            return false;
        }
        announcement = a;
        if (worker == null) {
            startWorker();
        }
        return true;
    }

    /** On the worker: registers the announcement as an ephemeral instance; a failure is logged once and retried. */
    private void register() {
        AgentAnnouncement a = announcement;
        if (a == null || registered != null) {
            return;
        }
        Target t = target;
        try {
            if (naming == null) {
                naming = namingFactory.create(t.properties());
            }
            Instance instance = instance(a);
            naming.registerInstance(AGENTS_SERVICE, t.group, instance);
            synchronized (this) {
                registered = instance;
            }
        } catch (Throwable e) {
            if (announceFailureLogged.compareAndSet(false, true)) {
                AgentLog.warn("cannot announce the admin endpoint as an instance of " + AGENTS_SERVICE + " in Nacos at "
                        + t.hosts + " (" + (e instanceof NacosException ? describe((NacosException) e) : e.toString())
                        + "); console --rules will not list this agent until it can. Rules are not affected.");
            }
        }
    }

    /**
     * The announcement as a Nacos instance: the agent's host name and admin port (unique among
     * live agents), ephemeral, with the announcement in its metadata.
     */
    static Instance instance(AgentAnnouncement a) {
        Instance i = new Instance();
        i.setIp(a.host());
        i.setPort(Integer.parseInt(a.admin().substring(a.admin().lastIndexOf(':') + 1)));
        i.setEphemeral(true);
        Map<String, String> m = new LinkedHashMap<String, String>();
        if (a.application() != null) {
            m.put("application", a.application());
        }
        if (a.instanceTag() != null) {
            m.put("instanceTag", a.instanceTag());
        }
        m.put("admin", a.admin());
        m.put("host", a.host());
        m.put("pid", String.valueOf(a.pid()));
        m.put("startedAt", String.valueOf(a.startedAtMillis()));
        i.setMetadata(m);
        return i;
    }

    /** Reads {@link #instance}'s metadata; an instance without {@code admin} is not an announcement. */
    static AgentAnnouncement announcement(Instance i) {
        Map<String, String> m = i.getMetadata();
        String admin = m == null ? null : m.get("admin");
        if (admin == null || admin.isEmpty()) {
            throw new IllegalArgumentException("no 'admin' (host:port) in its metadata");
        }
        return new AgentAnnouncement(m.get("application"), m.get("instanceTag"), m.get("host"), admin,
                number(m.get("pid")), number(m.get("startedAt")));
    }

    private static long number(String s) {
        try {
            return s == null ? -1L : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1L;
        }
    }

    private synchronized Listener listener(final RuleDocument.Role role) {
        Listener existing = made.get(role);
        if (existing != null) {
            return existing;
        }
        Listener listener = new Listener() {
            @Override
            public Executor getExecutor() {
                return null;
            }

            @Override
            public void receiveConfigInfo(String configInfo) {
                if (closed) {
                    return;
                }
                try {
                    documents.update(role, configInfo);
                } catch (Throwable t) {
                    AgentFaults.report("rules:nacos-listener", t);
                }
            }
        };
        made.put(role, listener);
        return listener;
    }

    /** gRPC's java.util.logging records go to the agent's log, for the agent and the command line alike. */
    private static void forwardJul() {
        String api = ConfigService.class.getName();
        JulForwarding.install(api.substring(0, api.indexOf(".nacos.") + ".nacos".length()));
    }

    private static String describe(NacosException e) {
        String message = e.getErrMsg() != null ? e.getErrMsg() : String.valueOf(e.getMessage());
        return AgentLog.abbreviate(message.replaceAll("\\s+", " "), 300) + " (code " + e.getErrCode() + ")";
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            // close() interrupts: the loop checks closed.
        }
    }

    /** Removes the listeners and shuts the client down; nothing is delivered after it returns. */
    @Override
    public void close() {
        closed = true;
        Thread thread;
        synchronized (this) {
            thread = worker;
        }
        if (thread != null && thread != Thread.currentThread()) {
            thread.interrupt();
            try {
                thread.join(2000L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeLookups();
        NamingService n;
        Instance instance;
        synchronized (this) {
            n = naming;
            instance = registered;
            naming = null;
        }
        if (n != null) {
            try {
                if (instance != null) {
                    n.deregisterInstance(AGENTS_SERVICE, target.group, instance);
                }
                n.shutDown();
            } catch (Throwable t) {
                AgentLog.debug("nacos announcement not withdrawn (" + t + "); it ends with the connection");
            }
        }
        ConfigService s = service;
        if (s == null) {
            return;
        }
        try {
            synchronized (this) {
                for (Map.Entry<RuleDocument.Role, Listener> e : listeners.entrySet()) {
                    s.removeListener(target.dataId(e.getKey()), target.group, e.getValue());
                }
            }
            s.shutDown();
        } catch (Throwable t) {
            AgentLog.debug("nacos client shut down with " + t);
        }
    }

    @Override
    public List<RuleDocument> read(String location, String application, long timeoutMillis) throws Exception {
        Target t = Target.of(location, application);
        forwardJul();
        ConfigService s = factory.create(t.properties());
        try {
            List<RuleDocument> docs = new ArrayList<RuleDocument>();
            for (String dataId : new String[] {t.globalDataId, t.appDataId}) {
                if (dataId == null) {
                    continue;
                }
                String text = s.getConfig(dataId, t.group, timeoutMillis);
                if (text != null) {
                    docs.add(new RuleDocument(dataId.equals(t.globalDataId) ? RuleDocument.Role.GLOBAL
                            : RuleDocument.Role.APPLICATION, t.origin(dataId), text));
                }
            }
            return docs;
        } finally {
            s.shutDown();
        }
    }

    /** The instances of {@code lanes-agents}, through one naming client kept open until {@link #close()}. */
    @Override
    public List<AgentAnnouncement> announced(String location, long timeoutMillis) throws Exception {
        Target t = Target.of(location, null);
        List<Instance> instances;
        synchronized (lookupLock) {
            if (closed) {
                throw new IllegalStateException("the nacos rule source was closed");
            }
            if (lookups != null && !location.equals(lookupsLocation)) {
                closeLookups();
            }
            if (lookups == null) {
                forwardJul();
                Properties p = t.properties();
                p.setProperty(CommonParams.NAMING_REQUEST_TIMEOUT, String.valueOf(timeoutMillis));
                lookups = namingFactory.create(p);
                lookupsLocation = location;
            }
            // Asked of the server each time (no subscription): an agent gone since shows at once.
            instances = lookups.getAllInstances(AGENTS_SERVICE, t.group, false);
        }
        List<AgentAnnouncement> out = new ArrayList<AgentAnnouncement>();
        for (Instance i : instances) {
            try {
                out.add(announcement(i));
            } catch (IllegalArgumentException foreign) {
                AgentLog.warn("nacos: instance " + i.getIp() + ":" + i.getPort() + " of " + AGENTS_SERVICE
                        + " is left out: " + foreign.getMessage());
            }
        }
        return out;
    }

    private void closeLookups() {
        synchronized (lookupLock) {
            if (lookups != null) {
                try {
                    lookups.shutDown();
                } catch (Throwable t) {
                    AgentLog.debug("nacos naming client shut down with " + t);
                }
                lookups = null;
            }
        }
    }

    @Override
    public String write(String location, String application, RuleDocument.Role role, String text,
                        long timeoutMillis) throws Exception {
        Target t = Target.of(location, application);
        String dataId = t.dataId(role);
        if (dataId == null) {
            throw new IllegalArgumentException(role == RuleDocument.Role.GLOBAL
                    ? "no global document: globalDataId is empty" + (t.note == null ? "" : ", and dataId names the "
                    + "global document's default name") : "no application document: give --app NAME or dataId=");
        }
        forwardJul();
        ConfigService s = factory.create(t.properties());
        try {
            if (!s.publishConfig(dataId, t.group, text, "yaml")) {
                throw new IllegalStateException("Nacos at " + t.hosts + " did not accept " + t.origin(dataId));
            }
            return t.origin(dataId);
        } finally {
            s.shutDown();
        }
    }

    /** What a nacos: location names. */
    static final class Target {
        final String hosts;
        final String namespace;
        final String group;
        final String appDataId;
        final String globalDataId;
        final long timeoutMillis;
        final CenterLocation location;
        final String shown;
        /** Said once at start when the location is read otherwise than written; null when not. */
        final String note;

        private Target(CenterLocation location, String application, String shown) {
            this.location = location;
            this.shown = shown;
            this.hosts = location.hosts();
            if (!location.path().isEmpty() && !location.path().equals("/")) {
                throw new IllegalArgumentException("nacos: '" + location.path() + "' after the hosts is not used; "
                        + "give namespace, group and dataId as parameters, as in " + EXAMPLE);
            }
            this.namespace = location.get("namespace", "");
            this.group = nonEmpty(location.get("group"), DEFAULT_GROUP);
            String app = location.get("dataId");
            this.appDataId = app != null && !app.isEmpty() ? app
                    : application != null && !application.isEmpty() ? application + APP_DATA_ID_SUFFIX : null;
            String global = location.get("globalDataId");
            if (global == null && GLOBAL_DATA_ID.equals(app)) {
                // The one document the user named is the application's, not the global one read twice.
                this.globalDataId = null;
                this.note = "nacos: dataId=" + app + " is also the global document's default name; reading it once, "
                        + "as this application's document (give globalDataId=... to read a global document too)";
            } else {
                this.globalDataId = global == null ? GLOBAL_DATA_ID : global.isEmpty() ? null : global;
                this.note = null;
            }
            if (appDataId == null && globalDataId == null) {
                throw new IllegalArgumentException("nacos: no document to read: the application name is unknown "
                        + "(set lanes.app) and globalDataId is empty; give dataId=... or keep the global document");
            }
            if (appDataId != null && appDataId.equals(globalDataId)) {
                throw new IllegalArgumentException("nacos: dataId and globalDataId are both '" + appDataId + "'");
            }
            this.timeoutMillis = location.millis("timeout", DEFAULT_TIMEOUT_MILLIS, 100L, 60000L);
        }

        static Target of(String location, String application) {
            CenterLocation parsed = CenterLocation.parse("nacos", location, 8848, EXAMPLE, PARAMETERS);
            return new Target(parsed, application, RuleSources.redact("nacos:" + location));
        }

        /** The data id of a document, or null when this location reads none in that role. */
        String dataId(RuleDocument.Role role) {
            return role == RuleDocument.Role.GLOBAL ? globalDataId : appDataId;
        }

        String origin(String dataId) {
            return "nacos:" + (namespace.isEmpty() ? "" : namespace + "/") + group + "/" + dataId;
        }

        Properties properties() {
            Properties p = new Properties();
            p.setProperty(PropertyKeyConst.SERVER_ADDR, hosts);
            if (!namespace.isEmpty()) {
                p.setProperty(PropertyKeyConst.NAMESPACE, namespace);
            }
            copy(p, "username", PropertyKeyConst.USERNAME);
            copy(p, "password", PropertyKeyConst.PASSWORD);
            copy(p, "accessKey", PropertyKeyConst.ACCESS_KEY);
            copy(p, "secretKey", PropertyKeyConst.SECRET_KEY);
            copy(p, "contextPath", PropertyKeyConst.CONTEXT_PATH);
            p.setProperty(PropertyKeyConst.CONFIG_REQUEST_TIMEOUT, String.valueOf(timeoutMillis));
            return p;
        }

        private void copy(Properties p, String parameter, String key) {
            String v = location.get(parameter);
            if (v != null && !v.isEmpty()) {
                p.setProperty(key, v);
            }
        }

        private static String nonEmpty(String v, String fallback) {
            return v == null || v.isEmpty() ? fallback : v;
        }
    }
}
