package dev.lanes.core.plugin;

import dev.lanes.bridge.AgentLog;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's own time at start-up and since: premain, and for every class the JVM loads, the
 * time spent deciding whether to transform it (matching) and transforming it. Shown on the
 * start-up line and the admin endpoint, so that an operator sees what the agent costs.
 */
public final class AgentTimings {

    private static final AgentTimings INSTANCE = new AgentTimings();

    private final AtomicLong premainNanos = new AtomicLong();
    private final AtomicLong classesSeen = new AtomicLong();
    private final AtomicLong classesTransformed = new AtomicLong();
    private final AtomicLong matchingNanos = new AtomicLong();
    private final AtomicLong handlingNanos = new AtomicLong();
    /** Per thread: nesting depth of class handling, and when the outermost began. */
    private final ThreadLocal<long[]> current = new ThreadLocal<long[]>() {
        @Override
        protected long[] initialValue() {
            return new long[2];
        }
    };

    private AgentTimings() {
    }

    public static AgentTimings instance() {
        return INSTANCE;
    }

    public void premain(long nanos) {
        premainNanos.set(nanos);
    }

    /** The JVM hands the agent a class (loading or retransformation). */
    void classStarted() {
        long[] c = current.get();
        if (c[0]++ == 0) {
            c[1] = System.nanoTime();
        }
    }

    /**
     * The agent is done with the class it was handed last on this thread.
     *
     * @return true when that was the outermost class (no class handling is in progress on the thread)
     */
    boolean classDone() {
        long[] c = current.get();
        if (c[0] > 0 && --c[0] == 0) {
            handlingNanos.addAndGet(System.nanoTime() - c[1]);
            classesSeen.incrementAndGet();
            return true;
        }
        return false;
    }

    void transformed() {
        classesTransformed.incrementAndGet();
    }

    void matched(long nanos) {
        matchingNanos.addAndGet(nanos);
    }

    public long premainMillis() {
        return premainNanos.get() / 1_000_000L;
    }

    /** Time spent on classes outside premain's own work: matching plus transforming. */
    public long classHandlingMillis() {
        return handlingNanos.get() / 1_000_000L;
    }

    public long matchingMillis() {
        return matchingNanos.get() / 1_000_000L;
    }

    /** One line, once class loading has settled after start-up: what the agent's matching cost. */
    void reportStartup() {
        AgentLog.info("class loading settled: the agent saw " + classesSeen.get() + " classes and "
                + "transformed " + classesTransformed.get() + ", in " + classHandlingMillis() + " ms on the loading threads"
                + " (matching " + matchingMillis() + " ms, transforming "
                + Math.max(0L, classHandlingMillis() - matchingMillis()) + " ms), after a premain of " + premainMillis()
                + " ms; type caches emptied");
    }

    /** For the admin endpoint. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<String, Object>();
        m.put("premainMillis", premainMillis());
        m.put("classesSeen", classesSeen.get());
        m.put("classesTransformed", classesTransformed.get());
        m.put("classHandlingMillis", classHandlingMillis());
        m.put("matchingMillis", matchingMillis());
        m.put("transformingMillis", Math.max(0L, classHandlingMillis() - matchingMillis()));
        int[] cached = TypeCaches.instance().sizes();
        m.put("cachedTypeDescriptions", cached[0]);
        m.put("cachedSuperTypeVerdicts", cached[1]);
        return m;
    }
}
