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
 * decision, which {@code rules explain} and the admin endpoint show through
 * {@link LaneRouter#explainInbound}.
 */
public final class IngressDyeing {

    private IngressDyeing() {
    }

    /**
     * The tag of the first lane, in document order, whose ingress rule takes this request.
     *
     * @param why where to note, one line per lane with an ingress rule, why it dyes the request
     *            or not; null on the routing path. When noting, a percentage without
     *            {@code stickyBy} is taken as not drawn, so that an explanation is repeatable.
     */
    static String dye(RuleSnapshot snapshot, RequestView request, String applicationName, List<String> why) {
        if (request == null) {
            request = RequestView.EMPTY;
        }
        List<LaneRule> lanes = snapshot.lanes();
        for (int i = 0, n = lanes.size(); i < n; i++) {
            LaneRule lane = lanes.get(i);
            EntryRule entry = lane.entry();
            if (entry == null) {
                continue;
            }
            if (why == null) {
                if (appliesHere(entry, applicationName) && entry.match().matches(request) && admits(entry, request)) {
                    return lane.tag();
                }
            } else if (explain(lane, entry, request, applicationName, why)) {
                return lane.tag();
            }
        }
        return null;
    }

    /** The steps of {@link #dye} for one lane, each noted in {@code why}. */
    private static boolean explain(LaneRule lane, EntryRule entry, RequestView request, String applicationName,
                                   List<String> why) {
        String name = "lane '" + lane.name() + "' entry";
        if (!appliesHere(entry, applicationName)) {
            why.add(name + ": does not apply here: it dyes at " + entry.services()
                    + (applicationName == null ? " (the application's name is not known)" : ", not at "
                    + applicationName));
            return false;
        }
        String mismatch = entry.match().mismatch(request);
        if (mismatch != null) {
            why.add(name + ": does not apply: " + mismatch);
            return false;
        }
        int percent = entry.percent();
        if (percent >= 100) {
            why.add(name + ": applies (" + entry.match().describe() + "): dyed " + lane.tag());
            return true;
        }
        EntryRule.StickyKey sticky = entry.stickyBy();
        if (percent <= 0 || sticky == null) {
            why.add(name + ": matches (" + entry.match().describe() + "); " + Math.max(0, percent)
                    + "% of such requests, at random, are dyed " + lane.tag() + "; assuming this one is not");
            return false;
        }
        String value = sticky.valueIn(request);
        if (value == null) {
            why.add(name + ": matches, but " + sticky + " is absent: not dyed");
            return false;
        }
        int bucket = stickyBucket(value);
        boolean in = bucket < percent;
        why.add(name + ": matches; " + sticky + " '" + value + "' falls in bucket " + bucket + (in ? " < " : " >= ")
                + percent + "%: " + (in ? "dyed " + lane.tag() : "not dyed"));
        return in;
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
