package dev.lanes.core.routing;

import dev.lanes.core.rules.OutlierSettings;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.function.LongSupplier;

/**
 * Consecutive-error outlier detection per service and address, in the manner of Envoy's
 * {@code outlier_detection}: an instance with {@code consecutiveErrors} failures in a row is
 * ejected for {@code baseEjection * n} (n = its ejections so far, at most
 * {@value #MAX_EJECTION_MULTIPLIER}, one less for every {@code interval} it stayed in since),
 * and at most {@code maxEjectionPercent} of a service's known instances, but always at least
 * one, are out at once. Ejections expire by time alone; no timer thread is involved.
 *
 * <p>With {@code failurePercent} set, an instance is also ejected when, within the current
 * {@code interval} (a window that starts afresh once it is over), it had at least
 * {@code failureMinCalls} calls and at least that share of them failed: an instance that fails
 * every third call never has a run of errors, but fails a third of what it gets (Envoy's
 * failure-percentage detection, judged at each failure instead of at the interval's end).
 *
 * <p>Apart from errors, an instance that says it is going away ({@code x-lanes-closing}) or
 * refuses a connection is left out at once, whether outlier detection is on or not, for
 * {@value #CLOSING_MILLIS} ms or until it answers a call made after that (a new process on the
 * same address): a <em>closing</em> ejection. It is not an outlier: it counts neither against
 * {@code maxEjectionPercent} nor in the ejection metrics; the panic threshold holds for it too.
 */
public final class OutlierDetector {

    /** Caps {@code baseEjection * n} the way Envoy's default max_ejection_time (10 x 30s) does. */
    static final int MAX_EJECTION_MULTIPLIER = 10;
    /** An address without outcomes for this long is forgotten (unless it is ejected). */
    static final long STALE_MILLIS = 10 * 60_000L;
    /** How often forgotten addresses are looked for, piggybacked on {@link #record}. */
    static final long SWEEP_EVERY_MILLIS = 60_000L;
    /** last-seen is refreshed at this granularity so hot instances do not share a written line. */
    private static final long TOUCH_GRANULARITY_MILLIS = 1_000L;
    private static final int MAX_SERVICES = 10_000;
    /**
     * How long a closing instance is left out at most: longer than a drain usually lasts, and
     * than Spring Cloud LoadBalancer's default instance cache (35 s) once the agent evicted it.
     */
    static final long CLOSING_MILLIS = 30_000L;
    private static final int MAX_ADDRESSES_PER_SERVICE = 10_000;

    private final ConcurrentMap<String, ServiceState> services = new ConcurrentHashMap<String, ServiceState>();
    private final AtomicLong lastSweep;
    private final LongSupplier clock;

    public OutlierDetector(LongSupplier clockMillis) {
        this.clock = clockMillis;
        this.lastSweep = new AtomicLong(clockMillis.getAsLong());
    }

    /** Feeds the outcome of one call; does nothing when {@code settings} disable detection. */
    public void record(String service, String address, boolean success, OutlierSettings settings) {
        record(service, address, success, settings, -1L);
    }

    /**
     * Feeds the outcome of one call that started at {@code startedMillis} (-1: unknown). A
     * success of a call started after its instance said it was closing ends the closing
     * ejection (a new process answers on that address), whether detection is on or not.
     */
    public void record(String service, String address, boolean success, OutlierSettings settings,
                       long startedMillis) {
        if (service == null || address == null) {
            return;
        }
        if (success && startedMillis >= 0L) {
            ServiceState known = services.get(service);
            AddressState a = known == null ? null : known.addresses.get(address);
            if (a != null && a.closingUntil != 0L && startedMillis > a.closingSince) {
                known.reopen(a, clock.getAsLong());
            }
        }
        if (settings == null || !settings.enabled()) {
            return;
        }
        long now = clock.getAsLong();
        ServiceState state = services.get(service);
        if (state == null) {
            state = createService(service);
            if (state == null) {
                return;
            }
        }
        AddressState entry = state.addresses.get(address);
        if (entry == null) {
            // Successful addresses are remembered too: they are the "known instances" of the cap.
            entry = state.createAddress(address, now);
            if (entry == null) {
                return;
            }
        }
        if (now - entry.lastSeen > TOUCH_GRANULARITY_MILLIS) {
            entry.lastSeen = now;
        }
        boolean failingShare = settings.failurePercent() > 0 && entry.countInWindow(success, settings, now);
        if (success) {
            if (entry.consecutiveErrors.get() != 0) {
                entry.consecutiveErrors.set(0);
            }
        } else {
            int errors = entry.consecutiveErrors.incrementAndGet();
            if (errors >= Math.max(1, settings.consecutiveErrors()) || failingShare) {
                state.eject(entry, settings, now);
            }
        }
        maybeSweep(now);
    }

    /**
     * The instance at {@code address} said it is going away, or refused a connection: leaves it
     * out at once (see the class comment). Returns true when it was not left out for that
     * already, so that a plugin acts once per closing (refreshing its framework's instance cache).
     */
    public boolean closing(String service, String address) {
        if (service == null || address == null) {
            return false;
        }
        long now = clock.getAsLong();
        ServiceState state = services.get(service);
        if (state == null) {
            state = createService(service);
            if (state == null) {
                return false;
            }
        }
        AddressState entry = state.addresses.get(address);
        if (entry == null) {
            entry = state.createAddress(address, now);
            if (entry == null) {
                return false;
            }
        }
        if (entry.closingUntil > now) {
            return false;
        }
        boolean closed = state.close(entry, now);
        // With outlier detection off, record() never sweeps: closings must not pile up.
        maybeSweep(now);
        return closed;
    }

    /** True when {@code address} of {@code service} is ejected now, for errors or closing. Allocation-free. */
    public boolean isEjected(String service, String address) {
        ServiceState state = service == null ? null : services.get(service);
        return state != null && address != null && state.isEjected(address, clock.getAsLong(), true);
    }

    /** True when {@code address} of {@code service} is left out now as closing. */
    public boolean isClosing(String service, String address) {
        ServiceState state = service == null ? null : services.get(service);
        AddressState a = state == null || address == null ? null : state.addresses.get(address);
        return a != null && a.closingUntil > clock.getAsLong();
    }

    /** How many instances of {@code service} are ejected now (for errors; closing ones are not outliers). */
    public int ejectedCount(String service) {
        ServiceState state = service == null ? null : services.get(service);
        return state == null ? 0 : state.countEjected(clock.getAsLong());
    }

    /** How many addresses are remembered for {@code service}, for tests and the admin endpoint. */
    public int trackedAddresses(String service) {
        ServiceState state = service == null ? null : services.get(service);
        return state == null ? 0 : state.addresses.size();
    }

    /**
     * For the Prometheus page, per service that has had outcomes recorded: the instances ejected
     * now and the ejections so far. Services are bounded as the detector bounds them.
     */
    public void writePrometheus(StringBuilder out) {
        long now = clock.getAsLong();
        java.util.Map<String, ServiceState> sorted = new java.util.TreeMap<String, ServiceState>(services);
        out.append("# HELP lanes_ejected_instances Instances of a called service ejected now by outlier detection.\n");
        out.append("# TYPE lanes_ejected_instances gauge\n");
        for (Map.Entry<String, ServiceState> e : sorted.entrySet()) {
            out.append("lanes_ejected_instances{service=\"").append(LaneMetrics.label(e.getKey())).append("\"} ")
                    .append(e.getValue().countEjected(now)).append('\n');
        }
        out.append("# HELP lanes_ejections_total Ejections of instances of a called service by outlier detection.\n");
        out.append("# TYPE lanes_ejections_total counter\n");
        for (Map.Entry<String, ServiceState> e : sorted.entrySet()) {
            out.append("lanes_ejections_total{service=\"").append(LaneMetrics.label(e.getKey())).append("\"} ")
                    .append(e.getValue().ejections).append('\n');
        }
        out.append("# HELP lanes_closing_instances Instances of a called service left out now because they said they are closing or refused a connection.\n");
        out.append("# TYPE lanes_closing_instances gauge\n");
        for (Map.Entry<String, ServiceState> e : sorted.entrySet()) {
            out.append("lanes_closing_instances{service=\"").append(LaneMetrics.label(e.getKey())).append("\"} ")
                    .append(e.getValue().countClosing(now)).append('\n');
        }
        out.append("# HELP lanes_closings_total Times an instance of a called service was left out because it said it is closing or refused a connection.\n");
        out.append("# TYPE lanes_closings_total counter\n");
        for (Map.Entry<String, ServiceState> e : sorted.entrySet()) {
            out.append("lanes_closings_total{service=\"").append(LaneMetrics.label(e.getKey())).append("\"} ")
                    .append(e.getValue().closings).append('\n');
        }
    }

    /** The state of a service, or null when it has never failed: the router's fast path. */
    ServiceState state(String service) {
        return services.get(service);
    }

    private ServiceState createService(String service) {
        if (services.size() >= MAX_SERVICES) {
            return null;
        }
        ServiceState fresh = new ServiceState();
        ServiceState raced = services.putIfAbsent(service, fresh);
        return raced == null ? fresh : raced;
    }

    private void maybeSweep(long now) {
        long last = lastSweep.get();
        if (now - last < SWEEP_EVERY_MILLIS || !lastSweep.compareAndSet(last, now)) {
            return;
        }
        Iterator<Map.Entry<String, ServiceState>> it = services.entrySet().iterator();
        while (it.hasNext()) {
            ServiceState state = it.next().getValue();
            state.forgetStale(now);
            if (state.addresses.isEmpty()) {
                it.remove();
            }
        }
    }

    /** One service: its addresses, and the latest moment any ejection of it ends. */
    static final class ServiceState {
        final ConcurrentMap<String, AddressState> addresses = new ConcurrentHashMap<String, AddressState>();
        /** No address of this service is ejected at or after this moment. */
        volatile long ejectionsEnd;
        /** The most candidates the router has offered lately: instances that never failed count too. */
        volatile int observedInstances;
        /**
         * Addresses ejected at the last ejection (some may have expired since), rebuilt under the
         * lock: ejections are few, so the router scans this instead of a map look-up per candidate.
         */
        volatile AddressState[] ejected = new AddressState[0];
        /** Ejections so far; written under the lock, read by the Prometheus page. */
        volatile long ejections;
        /** Closing ejections so far; written under the lock. */
        volatile long closings;

        /** False when no ejection can be in force, so the router skips per-address look-ups. */
        boolean mayHaveEjections(long now) {
            return ejectionsEnd > now;
        }

        /** @param errorsCount whether ejections for errors apply (outlier detection is on) */
        boolean isEjected(String address, long now, boolean errorsCount) {
            AddressState a = addresses.get(address);
            return a != null && a.isOut(now, errorsCount);
        }

        void observe(int candidates) {
            if (observedInstances != candidates) {
                observedInstances = candidates;
            }
        }

        AddressState createAddress(String address, long now) {
            if (addresses.size() >= MAX_ADDRESSES_PER_SERVICE) {
                return null;
            }
            AddressState fresh = new AddressState(address, now);
            AddressState raced = addresses.putIfAbsent(address, fresh);
            return raced == null ? fresh : raced;
        }

        /** Rare (a run of errors), so a lock per service keeps the percent cap exact. */
        synchronized void eject(AddressState a, OutlierSettings settings, long now) {
            a.consecutiveErrors.set(0);
            a.startWindow(now);
            long base = settings.baseEjectionMillis();
            if (a.ejectedUntil > now || base <= 0) {
                return;
            }
            int known = Math.max(addresses.size(), observedInstances);
            int allowed = Math.max(1, (int) ((long) known * settings.maxEjectionPercent() / 100L));
            if (countEjected(now) >= allowed) {
                return;
            }
            if (a.ejections > 0 && a.ejectedUntil > 0 && settings.intervalMillis() > 0) {
                long calm = (now - a.ejectedUntil) / settings.intervalMillis();
                a.ejections = (int) Math.max(0L, a.ejections - calm);
            }
            a.ejections = Math.min(a.ejections + 1, MAX_EJECTION_MULTIPLIER);
            long until = now + base * a.ejections;
            if (until < now) {
                until = Long.MAX_VALUE;
            }
            a.ejectedUntil = until;
            ejections++;
            if (until > ejectionsEnd) {
                ejectionsEnd = until;
            }
            rebuildEjected(now);
        }

        /** A closing ejection of {@code a}; false when one is in force already. */
        synchronized boolean close(AddressState a, long now) {
            if (a.closingUntil > now) {
                return false;
            }
            a.closingSince = now;
            a.closingUntil = now + CLOSING_MILLIS;
            closings++;
            if (a.closingUntil > ejectionsEnd) {
                ejectionsEnd = a.closingUntil;
            }
            rebuildEjected(now);
            return true;
        }

        /** Ends the closing ejection of {@code a}: it answered a call made after it said so. */
        synchronized void reopen(AddressState a, long now) {
            a.closingUntil = 0L;
            rebuildEjected(now);
        }

        /** Under the lock: the addresses out now, for errors or closing. */
        private void rebuildEjected(long at) {
            int n = 0;
            for (AddressState each : addresses.values()) {
                if (each.ejectedUntil > at || each.closingUntil > at) {
                    n++;
                }
            }
            AddressState[] current = new AddressState[n];
            int i = 0;
            for (AddressState each : addresses.values()) {
                if ((each.ejectedUntil > at || each.closingUntil > at) && i < current.length) {
                    current[i++] = each;
                }
            }
            ejected = i == current.length ? current : java.util.Arrays.copyOf(current, i);
        }

        int countClosing(long now) {
            if (ejectionsEnd <= now) {
                return 0;
            }
            int n = 0;
            for (AddressState a : addresses.values()) {
                if (a.closingUntil > now) {
                    n++;
                }
            }
            return n;
        }

        int countEjected(long now) {
            if (ejectionsEnd <= now) {
                return 0;
            }
            int n = 0;
            for (AddressState a : addresses.values()) {
                if (a.ejectedUntil > now) {
                    n++;
                }
            }
            return n;
        }

        void forgetStale(long now) {
            Iterator<AddressState> it = addresses.values().iterator();
            while (it.hasNext()) {
                AddressState a = it.next();
                if (now - a.lastSeen >= STALE_MILLIS && a.ejectedUntil <= now && a.closingUntil <= now) {
                    it.remove();
                }
            }
        }
    }

    private static final AtomicLongFieldUpdater<AddressState> WINDOW_START =
            AtomicLongFieldUpdater.newUpdater(AddressState.class, "windowStart");
    private static final AtomicIntegerFieldUpdater<AddressState> CALLS =
            AtomicIntegerFieldUpdater.newUpdater(AddressState.class, "windowCalls");
    private static final AtomicIntegerFieldUpdater<AddressState> FAILURES =
            AtomicIntegerFieldUpdater.newUpdater(AddressState.class, "windowFailures");

    /** One address: its run of errors, its failures in the current window, and its ejection. */
    static final class AddressState {
        final String address;
        final AtomicInteger consecutiveErrors = new AtomicInteger();
        volatile long ejectedUntil;
        /** Left out as closing until then (0: not closing); since when, to tell a newer call's answer. */
        volatile long closingUntil;
        volatile long closingSince;
        volatile long lastSeen;
        /** Guarded by the owning ServiceState. */
        int ejections;
        /** The failure percentage's window: since when, its calls and failures (updated without a lock). */
        volatile long windowStart;
        volatile int windowCalls;
        volatile int windowFailures;

        AddressState(String address, long now) {
            this.address = address;
            this.lastSeen = now;
            this.windowStart = now;
        }

        /**
         * Counts one call in the window (a new one once {@code interval} is over) and says whether
         * the window's failures now reach the failure percentage. Allocation-free; a count lost to a
         * race as a window starts afresh only delays a verdict.
         */
        boolean countInWindow(boolean success, OutlierSettings settings, long now) {
            long start = windowStart;
            if (now - start >= settings.intervalMillis() && WINDOW_START.compareAndSet(this, start, now)) {
                windowCalls = 0;
                windowFailures = 0;
            }
            int calls = CALLS.incrementAndGet(this);
            if (success) {
                return false;
            }
            int failures = FAILURES.incrementAndGet(this);
            return calls >= settings.failureMinCalls() && (long) failures * 100L >= (long) settings.failurePercent() * calls;
        }

        /** After an ejection the instance is judged on its calls from then on. */
        void startWindow(long now) {
            windowStart = now;
            windowCalls = 0;
            windowFailures = 0;
        }

        /** @param errorsCount whether ejections for errors apply (outlier detection is on) */
        boolean isOut(long now, boolean errorsCount) {
            return closingUntil > now || (errorsCount && ejectedUntil > now);
        }
    }
}
