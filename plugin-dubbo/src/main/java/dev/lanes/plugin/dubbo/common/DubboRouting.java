package dev.lanes.plugin.dubbo.common;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.InstanceView;
import dev.lanes.bridge.LaneUnavailableException;
import dev.lanes.bridge.Lanes;
import dev.lanes.bridge.Routing;
import dev.lanes.bridge.TrafficContext;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.rpc.Invocation;
import org.apache.dubbo.rpc.Invoker;

import java.util.Collections;
import java.util.List;

/**
 * What the Lanes router does with the providers of a Dubbo call, for every Dubbo version's
 * router type: the routing semantics over the candidates Dubbo's own routers left (custom
 * routes on method, arguments and attachments; lane and fallback; outlier ejection). A strict
 * lane with no provider up leaves no candidate, and the lane's error is kept on the invocation
 * for {@link StrictLanes} to raise in place of Dubbo's "no provider".
 */
public final class DubboRouting {

    private static final String PLACE = "dubbo:router";
    @SuppressWarnings("rawtypes")
    private static final InstanceView VIEW = InvokerView.INSTANCE;

    private DubboRouting() {
    }

    /**
     * The providers the call may go to: {@code invokers} itself when the lanes leave none out
     * (or on any fault), a new list otherwise, an empty list for a strict lane with none up.
     *
     * @param consumerUrl the URL Dubbo routes for (its service interface is the called service)
     */
    @SuppressWarnings("unchecked")
    public static <T> List<Invoker<T>> route(List<Invoker<T>> invokers, URL consumerUrl, Invocation invocation) {
        if (invokers == null || invokers.isEmpty()) {
            return invokers;
        }
        if (consumerUrl != null && ServiceNames.isDubboInternal(consumerUrl.getServiceInterface())) {
            return invokers;
        }
        Routing routing = Lanes.routing();
        try {
            String service = ServiceNames.forRouting(routing, consumerUrl, invokers.get(0).getUrl());
            List<Invoker<T>> kept = routing.eligible(service, invokers, VIEW, HopTags.hopTag(invocation),
                    TrafficContext.headers(), InvocationView.of(invocation));
            StrictLanes.forget(invocation);
            return kept == null ? invokers : kept;
        } catch (LaneUnavailableException e) {
            StrictLanes.remember(invocation, e);
            return Collections.emptyList();
        } catch (Throwable t) {
            AgentFaults.report(PLACE, t);
            return invokers;
        }
    }
}
