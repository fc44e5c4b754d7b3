package dev.lanes.core.routing;

import dev.lanes.bridge.InstanceView;
import dev.lanes.core.rules.OutlierSettings;

import java.util.List;

/**
 * Row 7's ejection step of {@link LaneRouter}: the members of a selection that outlier detection
 * ejected, left out unless too few would remain (the panic threshold); allocation-free.
 */
final class Ejections {

    /** Up to this many ejected addresses, comparing beats a hash look-up per candidate. */
    private static final int SCAN_EJECTED_UP_TO = 8;

    private Ejections() {
    }

    /**
     * Row 7 on a cached group: the members of the selection that are ejected now, found from the
     * few ejected addresses rather than from every member's address; none when too few would
     * remain (panic threshold).
     */
    static void findEjected(LaneRouter.Scratch sc, OutlierDetector.ServiceState state, OutlierSettings outlier,
                                    CandidateGroups.Grouping grouping, long now) {
        OutlierDetector.AddressState[] ejected = state.ejected;
        CandidateGroups.Group group = sc.group;
        boolean everyone = group == grouping.all;
        int[] found = sc.kept;
        int count = 0;
        for (int i = 0; i < ejected.length; i++) {
            OutlierDetector.AddressState a = ejected[i];
            if (a.isOut(now, outlier.enabled())) {
                Integer index = grouping.indexOfAddress.get(a.address);
                if (index != null && (everyone || grouping.groupOf[index.intValue()] == group.id)
                        && !Picks.contains(found, count, index.intValue())) {
                    found[count++] = index.intValue();
                }
            }
        }
        int total = sc.count;
        int remaining = total - count;
        if (count == 0 || remaining == 0
                || (long) remaining * 100L < (long) outlier.panicThresholdPercent() * total) {
            return;
        }
        sc.ejected = found;
        sc.ejectedCount = count;
    }
    /** Row 7: leaves out ejected instances unless fewer than the panic threshold would remain. */
    /** @return false when ejected instances were found but kept, too few being left without them */
    static <T> boolean dropEjected(LaneRouter.Scratch sc, OutlierDetector.ServiceState state, OutlierSettings outlier,
                                           List<T> candidates, InstanceView<T> view, long now) {
        OutlierDetector.AddressState[] ejected = state.ejected;
        boolean scan = ejected.length <= SCAN_EJECTED_UP_TO;
        boolean errorsCount = outlier.enabled();
        int count = sc.count;
        int[] from = sc.selected;
        int[] kept = sc.kept;
        int remaining = 0;
        for (int k = 0; k < count; k++) {
            int index = from == null ? k : from[k];
            String address = view.address(candidates.get(index));
            if (address == null || !(scan ? isIn(ejected, address, now, errorsCount)
                    : state.isEjected(address, now, errorsCount))) {
                kept[remaining++] = index;
            }
        }
        if (remaining == count) {
            return true;
        }
        if (remaining == 0 || (long) remaining * 100L < (long) outlier.panicThresholdPercent() * count) {
            return false;
        }
        sc.selected = kept;
        sc.count = remaining;
        return true;
    }
    private static boolean isIn(OutlierDetector.AddressState[] ejected, String address, long now,
                                boolean errorsCount) {
        for (int i = 0; i < ejected.length; i++) {
            OutlierDetector.AddressState a = ejected[i];
            if (a.isOut(now, errorsCount) && address.equals(a.address)) {
                return true;
            }
        }
        return false;
    }}
