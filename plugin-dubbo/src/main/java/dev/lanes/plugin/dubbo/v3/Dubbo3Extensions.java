package dev.lanes.plugin.dubbo.v3;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.plugin.dubbo.common.Extensions;
import dev.lanes.plugin.dubbo.common.Filters;

import java.util.List;

/**
 * What Dubbo 3.x activates, with the Lanes extensions added: the filters, the state router
 * factory of {@link LanesStateRouter}, and the metadata parameter filter that carries the
 * lanes parameters in application-level discovery. The agent cannot add SPI files to the
 * application; this is the same as if it had.
 */
public final class Dubbo3Extensions {

    static final String STATE_ROUTER_FACTORY_TYPE = "org.apache.dubbo.rpc.cluster.router.state.StateRouterFactory";
    static final String METADATA_PARAMS_FILTER_TYPE = "org.apache.dubbo.metadata.MetadataParamsFilter";
    private static final String PLACE = "dubbo3:ExtensionLoader.getActivateExtension";

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
}
