package dev.lanes.plugin.dubbo.v2_7;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.plugin.dubbo.common.Extensions;
import dev.lanes.plugin.dubbo.common.Filters;

import java.util.List;

/**
 * What Dubbo 2.7 activates, with the Lanes extensions added: the filters, and the router
 * factory of {@link Dubbo27Router}. The agent cannot add SPI files to the application; this is
 * the same as if it had.
 */
public final class Dubbo27Extensions {

    static final String ROUTER_FACTORY_TYPE = "org.apache.dubbo.rpc.cluster.RouterFactory";
    private static final String PLACE = "dubbo27:ExtensionLoader.getActivateExtension";

    private Dubbo27Extensions() {
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
            if (ROUTER_FACTORY_TYPE.equals(name)) {
                return Extensions.with(activated, Dubbo27RouterFactory.INSTANCE, false);
            }
        } catch (Throwable t) {
            AgentFaults.report(PLACE, t);
        }
        return activated;
    }
}
