package dev.lanes.plugin.gateway.webflux;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.Lanes;
import java.util.ArrayList;
import java.util.List;

/** Adds the agent's {@link LanesGlobalFilter} to the global filters a gateway handler is built with. */
public final class GatewayFilterHelper {

    private GatewayFilterHelper() {
    }

    /**
     * {@code globalFilters} with one {@link LanesGlobalFilter} added (a new list: the one given
     * may be read-only), and never a second; the list unchanged on a fault.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static List<?> withLanesFilter(List<?> globalFilters) {
        try {
            List<Object> filters = new ArrayList<Object>();
            if (globalFilters != null) {
                for (Object filter : globalFilters) {
                    if (filter instanceof LanesGlobalFilter) {
                        return globalFilters;
                    }
                    filters.add(filter);
                }
            }
            filters.add(new LanesGlobalFilter());
            Lanes.routing().entryFound("Spring Cloud Gateway");
            return (List) filters;
        } catch (Throwable t) {
            AgentFaults.report("gateway:global-filter", t);
            return globalFilters;
        }
    }
}
