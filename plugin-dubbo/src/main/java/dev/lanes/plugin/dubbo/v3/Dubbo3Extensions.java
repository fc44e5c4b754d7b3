package dev.lanes.plugin.dubbo.v3;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.plugin.dubbo.common.Extensions;
import dev.lanes.plugin.dubbo.common.Filters;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What Dubbo 3.x activates, with the Lanes extensions added: the filters, the state router
 * factory of {@link LanesStateRouter}, the metadata parameter filter that carries the
 * lanes parameters in application-level discovery, and the address comparator that keeps a
 * consumer's lanes whole while it moves between interface-level and application-level
 * addresses. The agent cannot add SPI files to the application; this is the same as if it had.
 */
public final class Dubbo3Extensions {

    static final String STATE_ROUTER_FACTORY_TYPE = "org.apache.dubbo.rpc.cluster.router.state.StateRouterFactory";
    static final String METADATA_PARAMS_FILTER_TYPE = "org.apache.dubbo.metadata.MetadataParamsFilter";
    static final String MIGRATION_ADDRESS_COMPARATOR_TYPE =
            "org.apache.dubbo.registry.client.migration.MigrationAddressComparator";
    private static final String PLACE = "dubbo3:ExtensionLoader.getActivateExtension";
    private static final String SUPPORTED_PLACE = "dubbo3:ExtensionLoader.getSupportedExtensionInstances";

    private Dubbo3Extensions() {
    }

    /** Called by the advice on {@code ExtensionLoader.getActivateExtension(URL, String, String)}; never throws. */
    public static List<?> activated(Class<?> type, String group, List<?> activated) {
        try {
            if (type == null) {
                return activated;
            }
            String name = type.getName();
            if (Filters.FILTER_TYPE.equals(name)) {
                return Filters.withLanes(activated, group);
            }
            if (STATE_ROUTER_FACTORY_TYPE.equals(name)) {
                return Extensions.with(activated, LanesStateRouterFactory.INSTANCE, false);
            }
            if (METADATA_PARAMS_FILTER_TYPE.equals(name)) {
                return Extensions.with(activated, LanesMetadataParamsFilter.INSTANCE, false);
            }
        } catch (Throwable t) {
            AgentFaults.report(PLACE, t);
        }
        return activated;
    }

    /**
     * Called by the advice on {@code ExtensionLoader.getSupportedExtensionInstances()}, which is
     * how Dubbo's {@code MigrationInvoker} collects its address comparators; never throws.
     */
    public static Set<?> supported(Class<?> type, Set<?> supported) {
        try {
            if (type == null || supported == null || !MIGRATION_ADDRESS_COMPARATOR_TYPE.equals(type.getName())
                    || supported.contains(LanesMigrationAddressComparator.INSTANCE)) {
                return supported;
            }
            // A new set: Dubbo builds one per call, but a caller may hold it read-only.
            Set<Object> with = new LinkedHashSet<Object>(supported);
            with.add(LanesMigrationAddressComparator.INSTANCE);
            return with;
        } catch (Throwable t) {
            AgentFaults.report(SUPPORTED_PLACE, t);
            return supported;
        }
    }
}
