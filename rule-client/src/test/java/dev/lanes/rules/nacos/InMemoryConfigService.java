package dev.lanes.rules.nacos;

import com.alibaba.nacos.api.config.ConfigService;
import com.alibaba.nacos.api.config.filter.IConfigFilter;
import com.alibaba.nacos.api.config.listener.Listener;
import com.alibaba.nacos.api.exception.NacosException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Nacos config server and client in one, in memory, behind nacos-client's own
 * {@link ConfigService} interface: configs by data id and group, listeners that are pushed every
 * change on a notifier thread (as nacos-client does), and failures and slowness on demand.
 */
final class InMemoryConfigService implements ConfigService {

    /** The server side: shared by every client created from one factory. */
    static final class Server {
        final Map<String, String> configs = new ConcurrentHashMap<>();
        final List<Registration> listeners = new CopyOnWriteArrayList<>();
        final List<InMemoryConfigService> clients = new CopyOnWriteArrayList<>();
        final List<Properties> created = new CopyOnWriteArrayList<>();
        final AtomicInteger failNextReads = new AtomicInteger();
        final AtomicInteger reads = new AtomicInteger();
        /** While set, the server does not answer: reads wait until the test ends the hold. */
        volatile Hold hold;
        final AtomicInteger readsWaiting = new AtomicInteger();
        /** As nacos-client without a connection and without its own copy: reads answer null, status DOWN. */
        volatile boolean disconnected;
        final ExecutorService notifier = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "in-memory-nacos-notifier");
            t.setDaemon(true);
            return t;
        });

        NacosRuleSource.ConfigServiceFactory factory() {
            return properties -> {
                created.add(properties);
                InMemoryConfigService c = new InMemoryConfigService(this);
                clients.add(c);
                return c;
            };
        }

        /** What an operator does in the Nacos console: publish, and every listener hears of it. */
        void publish(String dataId, String group, String content) {
            if (content == null) {
                configs.remove(key(dataId, group));
            } else {
                configs.put(key(dataId, group), content);
            }
            for (Registration r : listeners) {
                if (r.dataId.equals(dataId) && r.group.equals(group)) {
                    notifier.execute(() -> r.listener.receiveConfigInfo(content));
                }
            }
        }

        int listenerCount() {
            return listeners.size();
        }

        /**
         * Returns once the notifier has run every notification published before this call: it
         * runs them in order, so a marker queued now runs after all of them.
         */
        void awaitNotified() throws Exception {
            notifier.submit(() -> { }).get(5, TimeUnit.SECONDS);
        }

        void stop() throws InterruptedException {
            notifier.shutdownNow();
            notifier.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    record Registration(String dataId, String group, Listener listener) {
    }

    /**
     * A server that does not answer, for as long as the test says: the reads that wait on it end
     * when the test decides, never by the clock, so a test can tell what happened before.
     */
    static final class Hold {
        private final CountDownLatch ended = new CountDownLatch(1);
        private volatile boolean timedOut;

        /** The waiting reads, and any later ones while this hold is set, fail as timed out. */
        void timeOut() {
            timedOut = true;
            ended.countDown();
        }

        /** Waits for the test; 30 s at most, so that a test that forgets fails rather than hangs. */
        private void await(long timeoutMs) throws NacosException {
            try {
                if (!ended.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("test: a held read was never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (timedOut) {
                throw new NacosException(NacosException.SERVER_ERROR, "read timed out after " + timeoutMs + " ms");
            }
        }
    }

    private final Server server;
    volatile boolean shutDown;

    private InMemoryConfigService(Server server) {
        this.server = server;
    }

    private static String key(String dataId, String group) {
        return group + "/" + dataId;
    }

    @Override
    public String getConfig(String dataId, String group, long timeoutMs) throws NacosException {
        check();
        server.reads.incrementAndGet();
        if (server.failNextReads.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new NacosException(NacosException.CLIENT_DISCONNECT, "Client not connected, current status:STARTING");
        }
        Hold hold = server.hold;
        if (hold != null) {
            server.readsWaiting.incrementAndGet();
            try {
                hold.await(timeoutMs);
            } finally {
                server.readsWaiting.decrementAndGet();
            }
        }
        if (server.disconnected) {
            return null;
        }
        return server.configs.get(key(dataId, group));
    }

    @Override
    public String getConfigAndSignListener(String dataId, String group, long timeoutMs, Listener listener)
            throws NacosException {
        String content = getConfig(dataId, group, timeoutMs);
        addListener(dataId, group, listener);
        return content;
    }

    @Override
    public void addListener(String dataId, String group, Listener listener) throws NacosException {
        check();
        server.listeners.add(new Registration(dataId, group, listener));
    }

    @Override
    public boolean publishConfig(String dataId, String group, String content) throws NacosException {
        check();
        server.publish(dataId, group, content);
        return true;
    }

    @Override
    public boolean publishConfig(String dataId, String group, String content, String type) throws NacosException {
        return publishConfig(dataId, group, content);
    }

    @Override
    public boolean publishConfigCas(String dataId, String group, String content, String casMd5)
            throws NacosException {
        return publishConfig(dataId, group, content);
    }

    @Override
    public boolean publishConfigCas(String dataId, String group, String content, String casMd5, String type)
            throws NacosException {
        return publishConfig(dataId, group, content);
    }

    @Override
    public boolean removeConfig(String dataId, String group) throws NacosException {
        check();
        server.publish(dataId, group, null);
        return true;
    }

    @Override
    public void removeListener(String dataId, String group, Listener listener) {
        server.listeners.removeIf(r -> r.dataId.equals(dataId) && r.group.equals(group) && r.listener == listener);
    }

    @Override
    public String getServerStatus() {
        return shutDown || server.disconnected ? "DOWN" : "UP";
    }

    @Override
    public void addConfigFilter(IConfigFilter configFilter) {
    }

    @Override
    public void shutDown() {
        shutDown = true;
    }

    private void check() throws NacosException {
        if (shutDown) {
            throw new NacosException(NacosException.CLIENT_INVALID_PARAM, "the client was shut down");
        }
    }

    static List<String> keys(Server server) {
        return new ArrayList<>(server.configs.keySet());
    }
}
