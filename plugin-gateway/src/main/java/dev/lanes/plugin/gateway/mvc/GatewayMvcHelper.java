package dev.lanes.plugin.gateway.mvc;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.Lanes;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.servlet.function.HandlerFilterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/** Entry points of the MVC gateway's advice: each returns what it was given on a fault. */
public final class GatewayMvcHelper {

    private GatewayMvcHelper() {
    }

    /**
     * The request header filters with the agent's added ({@link LanesFilterProvider}), never twice
     * (one constructor of the handler calls the other); tells the engine the application is an entry.
     */
    @SuppressWarnings("unchecked")
    public static Object withLanesFilter(Object requestHeadersFilters) {
        try {
            if (!(requestHeadersFilters instanceof ObjectProvider)
                    || requestHeadersFilters instanceof LanesFilterProvider) {
                return requestHeadersFilters;
            }
            LanesFilterProvider provider = new LanesFilterProvider((ObjectProvider<Object>) requestHeadersFilters);
            Lanes.routing().entryFound("Spring Cloud Gateway Server MVC");
            return provider;
        } catch (Throwable t) {
            AgentFaults.report("gateway-mvc:headers-filters", t);
            return requestHeadersFilters;
        }
    }

    /** The load balancer filter of an {@code lb://} route, choosing by the tag the gateway decided. */
    @SuppressWarnings("unchecked")
    public static Object choosingByLane(Object loadBalancerFilter) {
        try {
            if (!(loadBalancerFilter instanceof HandlerFilterFunction) || loadBalancerFilter instanceof LaneChoiceFilter) {
                return loadBalancerFilter;
            }
            return new LaneChoiceFilter((HandlerFilterFunction<ServerResponse, ServerResponse>) loadBalancerFilter);
        } catch (Throwable t) {
            AgentFaults.report("gateway-mvc:lb-filter", t);
            return loadBalancerFilter;
        }
    }
}
