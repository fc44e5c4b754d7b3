package dev.lanes.core.routing;

import dev.lanes.bridge.RequestView;
import dev.lanes.core.rules.EntryRule;
import dev.lanes.core.rules.LaneRule;
import dev.lanes.core.rules.RuleSnapshot;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ingress dyeing: which lane, if any, an untagged request entering this service joins by the
 * lanes' {@code entry} rules (match, percent, stickyBy, services). Used by the engine's inbound
 * decision and by {@code rules explain}, so both share one reading of the rules.
 */
public final class IngressDyeing {

    private IngressDyeing() {
    }

    /** The tag of the first lane, in document order, whose ingress rule takes this request. */
    static String dye(RuleSnapshot snapshot, RequestView request, String applicationName) {
        if (request == null) {
            request = RequestView.EMPTY;
        }
        List<LaneRule> lanes = snapshot.lanes();
        for (int i = 0, n = lanes.size(); i < n; i++) {
            LaneRule lane = lanes.get(i);
            EntryRule entry = lane.entry();
            if (entry != null && appliesHere(entry, applicationName) && entry.match().matches(request)
                    && admits(entry, request)) {
                return lane.tag();
            }
        }
        return null;
    }

    private static boolean appliesHere(EntryRule entry, String applicationName) {
        List<String> services = entry.services();
        int n = services.size();
        if (n == 0) {
            return true;
        }
        for (int i = 0; i < n; i++) {
            if (services.get(i).equals(applicationName)) {
                return true;
            }
        }
        return false;
    }

    private static boolean admits(EntryRule entry, RequestView request) {
        int percent = entry.percent();
        if (percent >= 100) {
            return true;
        }
        if (percent <= 0) {
            return false;
        }
        EntryRule.StickyKey sticky = entry.stickyBy();
        if (sticky == null) {
            return ThreadLocalRandom.current().nextInt(100) < percent;
        }
        String value = sticky.valueIn(request);
        return value != null && stickyBucket(value) < percent;
    }

    /**
     * The bucket, 0 to 99, of a sticky attribute value: FNV-1a (32 bit) over the UTF-16 code
     * units, the MurmurHash3 finalizer, then the unsigned remainder by 100. Fixed across JVMs
     * and versions, so that a user stays in or out of a lane wherever the request enters.
     */
    public static int stickyBucket(String value) {
        int h = 0x811c9dc5;
        for (int i = 0, n = value.length(); i < n; i++) {
            h ^= value.charAt(i);
            h *= 0x01000193;
        }
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return Integer.remainderUnsigned(h, 100);
    }
}
