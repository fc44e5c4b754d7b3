package dev.lanes.core.routing;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The start time warm-up counts from when an instance publishes none, or one in the future
 * (its host's clock ahead of this one's): the time this instance first saw it among the
 * candidates of its service. Instances already there when this instance first routed a call
 * to the service (within {@link #INITIAL_GRACE_MILLIS}) count as warm, since nothing says when
 * they started; only those that appear later warm up, from the moment they appear.
 *
 * <p>Bounded: at most {@link #MAX_SERVICES} services and {@link #MAX_PER_SERVICE} instances
 * each; an instance not seen for {@link #FORGET_AFTER_MILLIS} (an hour) is forgotten (when it
 * comes back, it has most likely restarted, and warms up again). An instance is seen each time a
 * list holding it is routed by a scan or grouped anew, which the frameworks' list refreshes do. Past the bounds an instance counts
 * as warm. Looked up only for instances without a usable start of their own.
 */
final class FirstSeen {

    /** Instances first seen this soon after their service count as present from the start. */
    static final long INITIAL_GRACE_MILLIS = 1_000L;
    static final long FORGET_AFTER_MILLIS = 60L * 60L * 1_000L;
    static final int MAX_SERVICES = 1_024;
    static final int MAX_PER_SERVICE = 4_096;
    /** How often "last seen" is written for an instance seen again, at most. */
    private static final long TOUCH_MILLIS = 1_000L;
    private static final long PURGE_EVERY_MILLIS = 60_000L;

    private final ConcurrentMap<String, Service> services = new ConcurrentHashMap<String, Service>();

    private static final class Service {
        final ConcurrentMap<String, Seen> instances = new ConcurrentHashMap<String, Seen>();
        volatile long purgedAt;

        Service(long now) {
            this.purgedAt = now;
        }
    }

    private static final class Seen {
        /** The start warm-up counts from; -1: warm (present from the start). */
        final long start;
        volatile long last;

        Seen(long start, long now) {
            this.start = start;
            this.last = now;
        }
    }

    /**
     * The start to weigh an instance by: {@code published} when known and not in the future,
     * else when this instance first saw it (-1, warm, when it was there from the start or
     * cannot be tracked).
     *
     * @param firstRouted when this instance first routed a call to {@code service}
     */
    long startOf(String service, String address, long published, long firstRouted, long now) {
        if (published >= 0 && published <= now) {
            return published;
        }
        if (service == null || address == null) {
            return -1L;
        }
        Service s = services.get(service);
        if (s == null) {
            if (services.size() >= MAX_SERVICES) {
                return -1L;
            }
            Service fresh = new Service(now);
            s = services.putIfAbsent(service, fresh);
            if (s == null) {
                s = fresh;
            }
        }
        Seen seen = s.instances.get(address);
        if (seen != null) {
            if (now - seen.last >= TOUCH_MILLIS) {
                seen.last = now;
            }
            return seen.start;
        }
        purge(s, now);
        if (s.instances.size() >= MAX_PER_SERVICE) {
            return -1L;
        }
        Seen fresh = new Seen(now - firstRouted <= INITIAL_GRACE_MILLIS ? -1L : now, now);
        Seen raced = s.instances.putIfAbsent(address, fresh);
        return (raced == null ? fresh : raced).start;
    }

    /** Forgets the instances of {@code s} not seen for a while; at most once a minute. */
    private static void purge(Service s, long now) {
        if (now - s.purgedAt < PURGE_EVERY_MILLIS && s.instances.size() < MAX_PER_SERVICE) {
            return;
        }
        s.purgedAt = now;
        for (Iterator<Seen> it = s.instances.values().iterator(); it.hasNext(); ) {
            if (now - it.next().last > FORGET_AFTER_MILLIS) {
                it.remove();
            }
        }
    }
}
