package dev.lanes.plugin.dubbo.common;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.CarriedHeaders;
import dev.lanes.bridge.Lanes;
import dev.lanes.bridge.RequestView;
import dev.lanes.bridge.TrafficContext;
import org.apache.dubbo.rpc.Filter;
import org.apache.dubbo.rpc.Invocation;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.Result;
import org.apache.dubbo.rpc.RpcException;

/**
 * The provider-side Dubbo {@link Filter} of Lanes, first in every provider filter chain: it
 * decides the request's traffic tag (a valid {@code x-lanes-tag} attachment, else an ingress
 * rule, else this instance's own tag) and makes it the thread's tag while the service and the
 * other filters run, with the headers the rules carry down the chain (from the attachments of
 * the same names), then gives the thread back what it had. An asynchronous service method
 * returns at once; what it hands to executors carries the tag with it.
 */
public final class ProviderFilter implements Filter {

    public static final ProviderFilter INSTANCE = new ProviderFilter();

    private static final String PLACE = "dubbo:provider-filter";

    private ProviderFilter() {
    }

    @Override
    public Result invoke(Invoker<?> invoker, Invocation invocation) throws RpcException {
        Object previous = TrafficContext.NOT_ENTERED;
        try {
            RequestView request = InvocationView.of(invocation);
            String tag = Lanes.routing().inbound(HopTags.carried(invocation), request);
            previous = TrafficContext.enter(TrafficContext.state(tag, CarriedHeaders.read(request)));
        } catch (Throwable t) {
            AgentFaults.report(PLACE, t);
        }
        try {
            return invoker.invoke(invocation);
        } finally {
            TrafficContext.exit(previous);
        }
    }
}
