package dev.lanes.plugin.dubbo.common;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.Lanes;
import dev.lanes.bridge.TrafficContext;
import org.apache.dubbo.rpc.Filter;
import org.apache.dubbo.rpc.Invocation;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.Result;
import org.apache.dubbo.rpc.RpcException;

/**
 * The last filter of every provider chain: it runs inside the server span that OpenTelemetry's
 * Dubbo filter (activated after {@link ProviderFilter}) started, puts on it the lane the
 * provider filter decided ({@code lanes.tag}, {@code lanes.dyed_by}), and makes the OpenTelemetry
 * Java agent's baggage say that lane while the service runs, so that the {@code baggage} its
 * instrumentation writes on the service's own calls (Dubbo attachments, HTTP headers) agrees with
 * {@code x-lanes-tag}. Without OpenTelemetry a call costs a volatile read or two: the decision
 * reaches this filter in the invocation's attributes only once OpenTelemetry was found.
 */
public final class ProviderSpanFilter implements Filter {

    public static final ProviderSpanFilter INSTANCE = new ProviderSpanFilter();

    /** The invocation attribute in which the provider filter leaves how the lane was decided. */
    static final String DYED_BY = "lanes.dyed_by";

    private static final String PLACE = "dubbo:provider-span-filter";

    /** Set once a decision was kept for this filter: OpenTelemetry is there, attributes may be set. */
    private static volatile boolean keeping;

    private ProviderSpanFilter() {
    }

    static void keeping() {
        if (!keeping) {
            keeping = true;
        }
    }

    @Override
    public Result invoke(Invoker<?> invoker, Invocation invocation) throws RpcException {
        AutoCloseable scope = null;
        try {
            String tag = TrafficContext.tag();
            Object kept = tag != null && keeping ? invocation.get(DYED_BY) : null;
            String dyedBy = kept instanceof String ? (String) kept : null;
            scope = Lanes.routing().laneOnServerSpan(tag, dyedBy, dyedBy == null ? null : InvocationView.of(invocation));
        } catch (Throwable t) {
            AgentFaults.report(PLACE, t);
        }
        if (scope == null) {
            return invoker.invoke(invocation);
        }
        try {
            return invoker.invoke(invocation);
        } finally {
            close(scope);
        }
    }

    private static void close(AutoCloseable scope) {
        try {
            scope.close();
        } catch (Throwable t) {
            AgentFaults.report(PLACE, t);
        }
    }
}
