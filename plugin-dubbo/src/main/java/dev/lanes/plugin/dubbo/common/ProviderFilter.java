package dev.lanes.plugin.dubbo.common;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.CarriedHeaders;
import dev.lanes.bridge.Lanes;
import dev.lanes.bridge.Lifecycle;
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
 * returns at once; what it hands to executors carries the tag with it. It also counts the call
 * in flight for lossless draining (until the service method returns: an asynchronous one is
 * not waited for) and, while this instance drains, attaches {@code x-lanes-closing: true} to
 * the result.
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
        Lifecycle.requestStarted();
        try {
            Result result = invoker.invoke(invocation);
            if (Lifecycle.closing() && result != null) {
                markClosing(result);
            }
            return result;
        } finally {
            TrafficContext.exit(previous);
            Lifecycle.requestEnded();
        }
    }

    /** While draining, tells the consumer that this provider is going away (see docs/lossless.md). */
    private static void markClosing(Result result) {
        try {
            result.setAttachment(Lifecycle.CLOSING_HEADER, "true");
        } catch (Throwable t) {
            AgentFaults.report(PLACE + " closing attachment", t);
        }
    }
}
