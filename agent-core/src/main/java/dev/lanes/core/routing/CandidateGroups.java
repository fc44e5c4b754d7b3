package dev.lanes.core.routing;

import dev.lanes.bridge.InstanceView;
import dev.lanes.core.rules.RuleSnapshot;
import dev.lanes.core.rules.WarmupSettings;

import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Per service, the last candidate list {@link LaneRouter#choose} saw, grouped by tag once, so
 * that a call no longer reads every instance's tag: the cost of a choice stops growing with the
 * number of instances.
 *
 * <p>A grouping is keyed by the identity of the candidate list. That rests on how the frameworks
 * hand out candidates: Dubbo 3's directory makes a new list of providers when the provider set
 * changes (the Dubbo plugin passes that list, found under the {@code BitList} clone each call
 * gets), and a Spring Cloud {@code ServiceInstanceListSupplier} emits a new {@code List} per
 * refresh of its cache; neither edits a list it has handed out. A caller that hands a new list
 * to every call is routed by a scan (see {@link #SEEN_REFRESH_MILLIS} for what it lists). A caller that does reuse and
 * edit one list is caught when the size or the identity of the first, middle or last element
 * changed, and the router checks the tag of the instance it picked against the grouping; an edit
 * that keeps all of those (swapping the tag of an instance that is never picked, in the middle of
 * a list of the same size) is not seen until the list object changes. The grouping holds the list
 * through a weak reference and its elements only by identity hash, so a dropped list or instance
 * (a Dubbo invoker with its connections) is never kept alive by it.
 */
final class CandidateGroups {

    /**
     * Services with a grouping. Services are few (one per remote service an application calls);
     * past this many, further services are routed by scanning, as before the cache existed. A
     * grouping costs about 100 bytes per instance (indexes, start times, the address map).
     */
    static final int MAX_SERVICES = 4_096;
    /**
     * Warm-up weights of a warming instance are recomputed at most this often (and always at the
     * edge of its window): a weight may lag its curve by up to this long, one or two percent.
     */
    static final long WEIGHT_REFRESH_MILLIS = 1_000L;
    /**
     * A service whose candidates come in a new list per call (a Spring Cloud balancer without its
     * instance cache, a Dubbo 3 router chain) is never grouped; what the admin endpoint lists and
     * explains over is then copied from a call at most this often.
     */
    static final long SEEN_REFRESH_MILLIS = 1_000L;

    private final ConcurrentMap<String, Slot> slots = new ConcurrentHashMap<String, Slot>();

    /** One volatile reference per service to its current grouping. */
    static final class Slot {
        /** When a call to the service was first routed (warm-up's reference, see FirstSeen). */
        final long firstRouted;
        volatile Grouping grouping;
        /**
         * The identity hash and size of a list seen once and not grouped yet: a list is grouped
         * the second time it is seen, so that a caller handing a new list to every call keeps
         * scanning (and allocating nothing) instead of building a grouping per call.
         */
        volatile int pendingIdentity;
        volatile int pendingSize = -1;
        /** The instances last seen, as the admin endpoint lists them; null before the first call. */
        volatile Seen seen;

        Slot(long firstRouted) {
            this.firstRouted = firstRouted;
        }
    }

    /**
     * The instances of one candidate list as values: address, tag as published, start time. Kept
     * instead of the list so that the admin endpoint can list and explain a service whose lists
     * the framework dropped, without holding a framework instance (a Dubbo invoker) alive.
     */
    static final class Seen {
        final long at;
        final String[] addresses;
        final String[] rawTags;
        final long[] starts;

        Seen(long at, String[] addresses, String[] rawTags, long[] starts) {
            this.at = at;
            this.addresses = addresses;
            this.rawTags = rawTags;
            this.starts = starts;
        }

        static <T> Seen of(String service, List<T> candidates, int n, InstanceView<T> view, LaneRouter reader,
                           long now) {
            String[] addresses = new String[n];
            String[] rawTags = new String[n];
            long[] starts = new long[n];
            for (int i = 0; i < n; i++) {
                T instance = candidates.get(i);
                addresses[i] = view.address(instance);
                rawTags[i] = view.tag(instance);
                starts[i] = reader.startOf(service, instance, view, now);
            }
            return new Seen(now, addresses, rawTags, starts);
        }
    }

    /** One instance of a {@link Seen} list: its index, read through {@link #SEEN_VIEW}. */
    static final class SeenInstance {
        final Seen seen;
        final int index;

        SeenInstance(Seen seen, int index) {
            this.seen = seen;
            this.index = index;
        }

        @Override
        public String toString() {
            return String.valueOf(seen.addresses[index]);
        }
    }

    static final InstanceView<SeenInstance> SEEN_VIEW = new InstanceView<SeenInstance>() {
        @Override
        public String tag(SeenInstance i) {
            return i.seen.rawTags[i.index];
        }

        @Override
        public long startMillis(SeenInstance i) {
            long start = i.seen.starts[i.index];
            return start > 0L ? start : -1L;
        }

        @Override
        public String address(SeenInstance i) {
            return i.seen.addresses[i.index];
        }
    };

    /** The candidates of one group (a tag, base, or all), as indexes into the list. */
    static final class Group {
        /** Position of this group in {@link Grouping#groups}, the key of its warm-up weights. */
        final int id;
        /** Indexes into the candidate list, ascending; never written after the build. */
        final int[] indexes;
        final int count;

        Group(int id, int[] indexes, int count) {
            this.id = id;
            this.indexes = indexes;
            this.count = count;
        }
    }

    /** The cumulative warm-up weights of each group, valid until {@link #validUntil}. */
    static final class Weights {
        final WarmupSettings settings;
        final long computedAt;
        final long validUntil;
        /** Per group: cumulative weights in group order, or null when all weigh the same. */
        final int[][] cumulative;

        Weights(WarmupSettings settings, long computedAt, long validUntil, int[][] cumulative) {
            this.settings = settings;
            this.computedAt = computedAt;
            this.validUntil = validUntil;
            this.cumulative = cumulative;
        }
    }

    /** The grouping of one candidate list under one rule snapshot; immutable once published. */
    static final class Grouping {
        final WeakReference<List<?>> list;
        final int size;
        final int firstHash;
        final int middleHash;
        final int lastHash;
        final InstanceView<?> view;
        final RuleSnapshot rules;
        /** Lane groups by tag; read-only after publication through the slot's volatile field. */
        final Map<String, Group> byTag;
        /** Base instances (no tag or a malformed one): groups[0]. */
        final Group base;
        /** Every candidate, the selection when the service has no base instance: groups[1]. */
        final Group all;
        final Group[] groups;
        /** Per candidate: the id of the group it belongs to (0 = base). */
        final int[] groupOf;
        /** Per candidate: the tag read at the build, for the check of a picked instance. */
        final String[] rawTags;
        /** Per candidate: its start time, for warm-up. */
        final long[] starts;
        /** The candidates as values (rawTags and starts are its arrays), for the admin endpoint. */
        final Seen seen;
        /** Candidate index by address, to find the few ejected instances without a scan. */
        final Map<String, Integer> indexOfAddress;
        /** Two candidates share an address: ejection then falls back to the per-candidate scan. */
        final boolean sharedAddresses;
        final Weights weights;

        Grouping(List<?> list, int size, InstanceView<?> view, RuleSnapshot rules, Map<String, Group> byTag,
                 Group base, Group all, Group[] groups, int[] groupOf, Seen seen,
                 Map<String, Integer> indexOfAddress, boolean sharedAddresses, Weights weights) {
            this.list = new WeakReference<List<?>>(list);
            this.size = size;
            this.firstHash = System.identityHashCode(list.get(0));
            this.middleHash = System.identityHashCode(list.get(size >>> 1));
            this.lastHash = System.identityHashCode(list.get(size - 1));
            this.view = view;
            this.rules = rules;
            this.byTag = byTag;
            this.base = base;
            this.all = all;
            this.groups = groups;
            this.groupOf = groupOf;
            this.rawTags = seen.rawTags;
            this.starts = seen.starts;
            this.seen = seen;
            this.indexOfAddress = indexOfAddress;
            this.sharedAddresses = sharedAddresses;
            this.weights = weights;
        }

        private Grouping(Grouping g, RuleSnapshot rules, Weights weights) {
            this.list = g.list;
            this.size = g.size;
            this.firstHash = g.firstHash;
            this.middleHash = g.middleHash;
            this.lastHash = g.lastHash;
            this.view = g.view;
            this.rules = rules;
            this.byTag = g.byTag;
            this.base = g.base;
            this.all = g.all;
            this.groups = g.groups;
            this.groupOf = g.groupOf;
            this.rawTags = g.rawTags;
            this.starts = g.starts;
            this.seen = g.seen;
            this.indexOfAddress = g.indexOfAddress;
            this.sharedAddresses = g.sharedAddresses;
            this.weights = weights;
        }

        boolean matches(List<?> candidates, int n, InstanceView<?> view) {
            return this.view == view && size == n && list.get() == candidates
                    && System.identityHashCode(candidates.get(0)) == firstHash
                    && System.identityHashCode(candidates.get(n - 1)) == lastHash
                    && System.identityHashCode(candidates.get(n >>> 1)) == middleHash;
        }

        /** True when the instance at {@code index} still publishes the tag it had at the build. */
        <T> boolean stillTagged(int index, T instance, InstanceView<T> view) {
            String now = view.tag(instance);
            String then = rawTags[index];
            return now == then || (now != null && now.equals(then));
        }
    }

    /**
     * The grouping of {@code candidates} for {@code service}: built when the list or the view
     * changed (a new list the second time it is seen), carried over when only the rules changed;
     * null when the caller should scan.
     */
    <T> Grouping lookup(String service, List<T> candidates, int n, InstanceView<T> view, RuleSnapshot rules,
                        LaneRouter reader, long now) {
        if (service == null) {
            return null;
        }
        Slot slot = slots.get(service);
        if (slot == null) {
            if (slots.size() >= MAX_SERVICES) {
                return null;
            }
            Slot fresh = new Slot(now);
            slot = slots.putIfAbsent(service, fresh);
            if (slot == null) {
                slot = fresh;
            }
        }
        Grouping g = slot.grouping;
        if (g != null && g.matches(candidates, n, view)) {
            if (g.rules != rules) {
                // New rules: the groups by tag still hold (tags are the instances'), the warm-up
                // weights may not. One small object, not a new grouping.
                g = new Grouping(g, rules, null);
                slot.grouping = g;
            }
            return g;
        }
        boolean sameList = g != null && g.list.get() == candidates;
        if (!sameList) {
            int identity = System.identityHashCode(candidates);
            if (slot.pendingIdentity != identity || slot.pendingSize != n) {
                slot.pendingIdentity = identity;
                slot.pendingSize = n;
                Seen seen = slot.seen;
                if (seen == null || now - seen.at >= SEEN_REFRESH_MILLIS || now < seen.at) {
                    slot.seen = Seen.of(service, candidates, n, view, reader, now);
                }
                return null;
            }
        }
        g = build(service, candidates, n, view, rules, reader, now);
        slot.grouping = g;
        slot.seen = g.seen;
        slot.pendingSize = -1;
        return g;
    }

    /**
     * For the admin endpoint and the Prometheus page: per service (sorted), the instances last
     * seen (see {@link Seen}), each as
     * {address, tag as published, start time}; at most {@code max} instances in all.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    Map<String, List<Object[]>> lastInstances(int max) {
        Map<String, List<Object[]>> out = new java.util.TreeMap<String, List<Object[]>>();
        int listed = 0;
        for (Map.Entry<String, Slot> e : new java.util.TreeMap<String, Slot>(slots).entrySet()) {
            Seen seen = e.getValue().seen;
            if (seen == null) {
                continue;
            }
            List<Object[]> rows = new java.util.ArrayList<Object[]>();
            for (int i = 0; i < seen.addresses.length && listed < max; i++, listed++) {
                rows.add(new Object[] {seen.addresses[i], seen.rawTags[i], Long.valueOf(seen.starts[i])});
            }
            out.put(e.getKey(), rows);
            if (listed >= max) {
                break;
            }
        }
        return out;
    }

    /**
     * The instances last seen for {@code service}, as a list read through {@link #SEEN_VIEW};
     * null before its first call. For explaining a decision over them.
     */
    List<SeenInstance> lastSeen(String service) {
        Slot slot = service == null ? null : slots.get(service);
        Seen seen = slot == null ? null : slot.seen;
        if (seen == null) {
            return null;
        }
        List<SeenInstance> out = new java.util.ArrayList<SeenInstance>(seen.addresses.length);
        for (int i = 0; i < seen.addresses.length; i++) {
            out.add(new SeenInstance(seen, i));
        }
        return out;
    }

    /** When a call to {@code service} was first routed here; {@code now} when none was yet. */
    long firstRouted(String service, long now) {
        Slot slot = service == null ? null : slots.get(service);
        return slot == null ? now : slot.firstRouted;
    }

    /** Forgets the grouping of {@code service}: the next calls scan, then group again. */
    void invalidate(String service) {
        Slot slot = service == null ? null : slots.get(service);
        if (slot != null) {
            slot.grouping = null;
        }
    }

    /** Publishes the weights of {@code g} for now, recomputing only groups that are still warming. */
    Weights weights(String service, Grouping g, WarmupSettings settings, long now) {
        Weights w = g.weights;
        if (w != null && w.settings == settings && now >= w.computedAt && now < w.validUntil) {
            return w;
        }
        Weights fresh = computeWeights(g, settings, now);
        Slot slot = slots.get(service);
        if (slot != null && slot.grouping == g) {
            // A lost race only means another thread published weights as fresh as these.
            slot.grouping = new Grouping(g, g.rules, fresh);
        }
        return fresh;
    }

    private static <T> Grouping build(String service, List<T> candidates, int n, InstanceView<T> view,
                                      RuleSnapshot rules, LaneRouter reader, long now) {
        Seen seen = Seen.of(service, candidates, n, view, reader, now);
        int[] groupOf = new int[n];
        Map<String, Integer> ids = new HashMap<String, Integer>();
        Map<String, Integer> indexOfAddress = new HashMap<String, Integer>();
        boolean sharedAddresses = false;
        int[] counts = new int[n + 2];
        int groupCount = 2;
        for (int i = 0; i < n; i++) {
            String tag = reader.tagOf(service, candidates.get(i), view);
            String address = seen.addresses[i];
            if (address != null && indexOfAddress.put(address, Integer.valueOf(i)) != null) {
                sharedAddresses = true;
            }
            int id = 0;
            if (tag != null) {
                Integer known = ids.get(tag);
                if (known == null) {
                    known = Integer.valueOf(groupCount++);
                    ids.put(tag, known);
                }
                id = known.intValue();
            }
            groupOf[i] = id;
            counts[id]++;
        }
        int[][] members = new int[groupCount][];
        members[1] = null;
        for (int id = 0; id < groupCount; id++) {
            if (id != 1) {
                members[id] = new int[counts[id]];
            }
        }
        int[] filled = new int[groupCount];
        for (int i = 0; i < n; i++) {
            int id = groupOf[i];
            members[id][filled[id]++] = i;
        }
        int[] everyone = new int[n];
        for (int i = 0; i < n; i++) {
            everyone[i] = i;
        }
        members[1] = everyone;
        Group[] groups = new Group[groupCount];
        for (int id = 0; id < groupCount; id++) {
            groups[id] = new Group(id, members[id], members[id].length);
        }
        Map<String, Group> byTag = new HashMap<String, Group>();
        for (Map.Entry<String, Integer> e : ids.entrySet()) {
            byTag.put(e.getKey(), groups[e.getValue().intValue()]);
        }
        return new Grouping(candidates, n, view, rules, byTag, groups[0], groups[1], groups, groupOf, seen,
                indexOfAddress, sharedAddresses, null);
    }

    private static Weights computeWeights(Grouping g, WarmupSettings settings, long now) {
        long window = settings.windowMillis();
        long validUntil = Long.MAX_VALUE;
        int[][] cumulative = new int[g.groups.length][];
        for (int id = 0; id < g.groups.length; id++) {
            Group group = g.groups[id];
            boolean warming = false;
            for (int k = 0; k < group.count; k++) {
                long start = g.starts[group.indexes[k]];
                if (start < 0 || window <= 0) {
                    continue;
                }
                if (start > now) {
                    // Weighs 100 until its start comes (clock skew), then starts its window.
                    warming = true;
                    validUntil = Math.min(validUntil, start);
                } else if (now - start < window) {
                    warming = true;
                    validUntil = Math.min(validUntil, Math.min(start + window, now + WEIGHT_REFRESH_MILLIS));
                }
            }
            // A group with no member inside its window weighs all at 100: nothing to compute.
            cumulative[id] = warming ? cumulate(group, g.starts, settings, now) : null;
        }
        return new Weights(settings, now, validUntil, cumulative);
    }

    /** Cumulative warm-up weights of the group's members, or null when all weigh the same. */
    private static int[] cumulate(Group group, long[] starts, WarmupSettings settings, long now) {
        int count = group.count;
        if (count == 0) {
            return null;
        }
        int[] sums = new int[count];
        int total = 0;
        int first = WarmupWeight.percent(settings, starts[group.indexes[0]], now);
        boolean equal = true;
        for (int k = 0; k < count; k++) {
            int weight = WarmupWeight.percent(settings, starts[group.indexes[k]], now);
            if (weight != first) {
                equal = false;
            }
            total += weight;
            sums[k] = total;
        }
        return equal ? null : sums;
    }
}
