package dev.lanes.plugin.dubbo.common;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.CarriedHeaders;
import dev.lanes.bridge.Lanes;
import dev.lanes.bridge.RequestView;
import dev.lanes.bridge.Routing;
import dev.lanes.bridge.TrafficContext;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.rpc.Filter;
import org.apache.dubbo.rpc.Invocation;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.Result;
import org.apache.dubbo.rpc.RpcException;

import java.util.function.BiConsumer;

/**
 * The consumer-side Dubbo {@link Filter} of Lanes, first in every consumer filter chain: it
 * puts the traffic tag on the call as attachment {@code x-lanes-tag} (unless the call already
 * carries a valid one; the request's tag, else this instance's own), and each carried header as
 * an attachment of its name (unless the call has one), and reports the call's outcome to
 * outlier detection. It runs for the
 * provider the cluster chose, after routing and load balancing.
 */
public final class ConsumerFilter implements Filter {

    public static final ConsumerFilter INSTANCE = new ConsumerFilter();

    private static final String PLACE = "dubbo:consumer-filter";

    private ConsumerFilter() {
    }

    @Override
    public Result invoke(Invoker<?> invoker, Invocation invocation) throws RpcException {
        Routing routing = Lanes.routing();
        String service = null;
        String address = null;
        try {
            if (HopTags.carried(invocation) == null) {
                String tag = TrafficContext.outboundTag();
                if (tag != null) {
                    invocation.setAttachment(HopTags.ATTACHMENT, tag);
                }
            }
            CarriedHeaders carried = TrafficContext.headers();
            if (carried != null) {
                RequestView own = InvocationView.of(invocation);
                for (int i = 0; i < carried.size(); i++) {
                    // An attachment the application set itself, in any case, stays.
                    if (own.header(carried.name(i)) == null) {
                        invocation.setAttachment(carried.name(i), carried.value(i));
                    }
                }
            }
            URL url = invoker.getUrl();
            if (url != null && !ServiceNames.isDubboInternal(url.getServiceInterface())) {
                service = ServiceNames.forRouting(routing, url, url);
                address = url.getAddress();
            }
        } catch (Throwable t) {
            AgentFaults.report(PLACE, t);
        }
        Result result;
        try {
            result = invoker.invoke(invocation);
        } catch (RpcException e) {
            record(routing, service, address, !countsAgainstProvider(e));
            throw e;
        }
        if (service == null || address == null) {
            return result;
        }
        try {
            return result.whenCompleteWithContext(new Outcome(routing, service, address));
        } catch (UnsupportedOperationException settled) {
            // A result that is already a plain response takes no callbacks; its outcome is known.
            record(routing, service, address, succeeded(result, null));
            return result;
        } catch (Throwable t) {
            AgentFaults.report(PLACE, t);
            return result;
        }
    }

    /**
     * Whether a call counts as a success for outlier detection: failures of the provider or the
     * network (refused, reset, timed out, overloaded) count against it; exceptions thrown by the
     * service itself are the caller's business and count as successes.
     */
    static boolean succeeded(Result result, Throwable thrown) {
        if (thrown != null) {
            return !(thrown instanceof RpcException) || !countsAgainstProvider((RpcException) thrown);
        }
        if (result != null && result.hasException()) {
            Throwable e = result.getException();
            return !(e instanceof RpcException) || !countsAgainstProvider((RpcException) e);
        }
        return true;
    }

    private static boolean countsAgainstProvider(RpcException e) {
        return !e.isBiz() && e.getCode() != RpcException.FORBIDDEN_EXCEPTION;
    }

    private static void record(Routing routing, String service, String address, boolean success) {
        if (service != null && address != null) {
            routing.record(service, address, success);
        }
    }

    /** Reports the outcome of a call once its result is complete. */
    static final class Outcome implements BiConsumer<Result, Throwable> {
        private final Routing routing;
        private final String service;
        private final String address;

        Outcome(Routing routing, String service, String address) {
            this.routing = routing;
            this.service = service;
            this.address = address;
        }

        @Override
        public void accept(Result result, Throwable thrown) {
            try {
                routing.record(service, address, succeeded(result, thrown));
            } catch (Throwable t) {
                AgentFaults.report(PLACE, t);
            }
        }
    }
}
