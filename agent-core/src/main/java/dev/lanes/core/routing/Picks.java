package dev.lanes.core.routing;

import dev.lanes.bridge.InstanceView;
import dev.lanes.core.rules.WarmupSettings;
import dev.lanes.core.rules.WeightedTag;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** The weighted draws of {@link LaneRouter}: warm-up weights, route destinations; allocation-free. */
final class Picks {

    private Picks() {
    }

    /** The first k with {@code cumulative[k] > r}, r uniform below the total: a weighted pick. */
    static int cumulativeIndex(int[] cumulative, ThreadLocalRandom random) {
        int r = random.nextInt(cumulative[cumulative.length - 1]);
        int low = 0;
        int high = cumulative.length - 1;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (cumulative[mid] > r) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return low;
    }
    /**
     * Row 7: the index (into the candidate list) of a pick weighted by warm-up among the
     * selection in {@code sc}, or -1 when all weigh the same.
     */
    static <T> int weightedIndex(LaneRouter router, String service, LaneRouter.Scratch sc, WarmupSettings warmup,
                                 List<T> candidates, InstanceView<T> view, long now) {
        int count = sc.count;
        int[] from = sc.selected;
        int[] weights = sc.weights;
        int total = 0;
        boolean equal = true;
        for (int k = 0; k < count; k++) {
            int weight = WarmupWeight.percent(warmup,
                    router.startOf(service, candidates.get(from == null ? k : from[k]), view, now), now);
            weights[k] = weight;
            total += weight;
            if (weight != weights[0]) {
                equal = false;
            }
        }
        if (equal) {
            return -1;
        }
        int r = ThreadLocalRandom.current().nextInt(total);
        for (int k = 0; k < count; k++) {
            r -= weights[k];
            if (r < 0) {
                return from == null ? k : from[k];
            }
        }
        return from == null ? count - 1 : from[count - 1];
    }
    /** One tag among a route's destinations by weight (null = base); never divides by zero. */
    static String destination(List<WeightedTag> to) {
        int size = to.size();
        if (size == 1) {
            return to.get(0).tag();
        }
        int total = 0;
        for (int i = 0; i < size; i++) {
            total += Math.max(0, to.get(i).weight());
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (total <= 0) {
            // The validator rejects such a route; an even split is the harmless reading of one.
            return to.get(random.nextInt(size)).tag();
        }
        int r = random.nextInt(total);
        for (int i = 0; i < size; i++) {
            r -= Math.max(0, to.get(i).weight());
            if (r < 0) {
                return to.get(i).tag();
            }
        }
        return to.get(size - 1).tag();
    }
    static boolean contains(int[] values, int count, int value) {
        for (int i = 0; i < count; i++) {
            if (values[i] == value) {
                return true;
            }
        }
        return false;
    }}
