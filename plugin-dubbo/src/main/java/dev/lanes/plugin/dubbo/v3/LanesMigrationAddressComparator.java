package dev.lanes.plugin.dubbo.v3;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.AgentLog;
import dev.lanes.plugin.dubbo.common.InvokerView;
import org.apache.dubbo.registry.client.migration.MigrationAddressComparator;
import org.apache.dubbo.registry.client.migration.model.MigrationRule;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.cluster.ClusterInvoker;
import org.apache.dubbo.rpc.cluster.Directory;

import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Joins Dubbo 3's comparators of a consumer's interface-level and application-level address
 * lists ({@code MigrationInvoker} moves only when every comparator agrees): it lets a consumer
 * move to a list only when that list has a provider of every lane the list in use has, base
 * included. Dubbo's default comparator moves as soon as the new list has any provider, which
 * during a rollout of application-level registration would send a lane's calls to base (or
 * base calls to a lane) until the rest of the providers arrive. With no tagged provider in
 * either list, this comparator agrees and Dubbo decides alone.
 */
public final class LanesMigrationAddressComparator implements MigrationAddressComparator {

    public static final LanesMigrationAddressComparator INSTANCE = new LanesMigrationAddressComparator();

    private static final String PLACE = "dubbo3:MigrationAddressComparator";
    private static final InvokerView VIEW = InvokerView.INSTANCE;
    /** A lane's name in the log; a base provider has no tag. */
    private static final String BASE = "base";

    /** Services whose last answer was "wait", so that the log says each hold and release once. */
    private final Set<String> holding = Collections.newSetFromMap(new ConcurrentHashMap<String, Boolean>());

    private LanesMigrationAddressComparator() {
    }

    /**
     * @param newInvoker the list Dubbo would move to
     * @param oldInvoker the list in use
     * @return false while the new list lacks a lane of the old one; true otherwise and on any fault
     */
    @Override
    public <T> boolean shouldMigrate(ClusterInvoker<T> newInvoker, ClusterInvoker<T> oldInvoker, MigrationRule rule) {
        try {
            Set<String> missing = missingLanes(providers(newInvoker), providers(oldInvoker));
            String service = String.valueOf(oldInvoker.getUrl() == null ? null : oldInvoker.getUrl().getServiceKey());
            if (missing.isEmpty()) {
                if (holding.remove(service)) {
                    AgentLog.info("Dubbo consumer of " + service + ": the " + kind(newInvoker)
                            + " addresses now have a provider of every lane; Dubbo may move to them");
                }
                return true;
            }
            if (holding.add(service)) {
                AgentLog.info("Dubbo consumer of " + service + ": staying on the " + kind(oldInvoker)
                        + " addresses until the " + kind(newInvoker) + " addresses have a provider of lanes "
                        + missing);
            }
            return false;
        } catch (Throwable t) {
            AgentFaults.report(PLACE, t);
            return true;
        }
    }

    /** The lanes (tags, "base" for untagged) that {@code current} has and {@code candidate} lacks. */
    @SuppressWarnings("rawtypes")
    static Set<String> missingLanes(List<? extends Invoker> candidate, List<? extends Invoker> current) {
        if (candidate == null || candidate.isEmpty() || current == null || current.isEmpty()) {
            // Nothing to move to, or nothing to lose: Dubbo's own comparator decides.
            return Collections.emptySet();
        }
        // Untagged lists on both sides leave {base} minus {base}: nothing missing.
        Set<String> need = lanes(current);
        need.removeAll(lanes(candidate));
        return need;
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static Set<String> lanes(List<? extends Invoker> providers) {
        Set<String> lanes = new HashSet<String>();
        for (int i = 0, n = providers.size(); i < n; i++) {
            String tag = VIEW.tag(providers.get(i));
            lanes.add(tag == null ? BASE : tag);
        }
        return lanes;
    }

    @SuppressWarnings("rawtypes")
    private static List<? extends Invoker> providers(ClusterInvoker<?> invoker) {
        Directory<?> directory = invoker == null ? null : invoker.getDirectory();
        return directory == null ? null : directory.getAllInvokers();
    }

    private static String kind(ClusterInvoker<?> invoker) {
        return invoker != null && invoker.isServiceDiscovery() ? "application-level" : "interface-level";
    }

    /** Dubbo's default comparator keeps the sizes it compared for QoS; this one compares no sizes. */
    @Override
    public Map<String, Integer> getAddressSize(String displayServiceKey) {
        return null;
    }
}
