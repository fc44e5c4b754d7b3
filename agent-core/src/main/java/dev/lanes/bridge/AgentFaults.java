package dev.lanes.bridge;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where every fault of the agent ends up: counted by place, logged with its stack trace the
 * first time a place fails, and otherwise swallowed so the application carries on as if the
 * agent were absent.
 */
public final class AgentFaults {

    private static final ConcurrentMap<String, AtomicLong> BY_PLACE = new ConcurrentHashMap<String, AtomicLong>();
    private static final AtomicLong TOTAL = new AtomicLong();
    private static final int MAX_PLACES = 1000;

    private AgentFaults() {
    }

    /** Records a fault at {@code place} (for example "advice:RestTemplate.execute"). */
    public static void report(String place, Throwable t) {
        try {
            TOTAL.incrementAndGet();
            AtomicLong counter = BY_PLACE.get(place);
            if (counter == null) {
                if (BY_PLACE.size() < MAX_PLACES) {
                    AtomicLong fresh = new AtomicLong();
                    counter = BY_PLACE.putIfAbsent(place, fresh);
                    if (counter == null) {
                        counter = fresh;
                        AgentLog.error("fault in " + place + "; the application continues without Lanes "
                                + "at this point (further faults here are counted, not logged)", t);
                    }
                } else {
                    return;
                }
            }
            counter.incrementAndGet();
        } catch (Throwable ignored) {
            // Fault reporting is the last line of defence and must not throw.
        }
    }

    public static long total() {
        return TOTAL.get();
    }

    /** Fault counts by place, for the admin endpoint. */
    public static Map<String, Long> byPlace() {
        Map<String, Long> copy = new LinkedHashMap<String, Long>();
        for (Map.Entry<String, AtomicLong> e : BY_PLACE.entrySet()) {
            copy.put(e.getKey(), e.getValue().get());
        }
        return Collections.unmodifiableMap(copy);
    }
}
