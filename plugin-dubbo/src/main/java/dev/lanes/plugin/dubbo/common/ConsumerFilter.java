package dev.lanes.plugin.dubbo.common;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.CarriedHeaders;
import dev.lanes.bridge.Lanes;
import dev.lanes.bridge.Lifecycle;
import dev.lanes.bridge.RequestView;
import dev.lanes.bridge.Routing;
import dev.lanes.bridge.TrafficContext;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.rpc.Filter;
import org.apache.dubbo.rpc.Invocation;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.Result;
import org.apache.dubbo.rpc.RpcException;

import java.net.ConnectException;
import java.util.function.BiConsumer;

/**
 * The consumer-side Dubbo {@link Filter} of Lanes, first in every consumer filter chain: it
 * puts the traffic tag on the call as attachment {@code x-lanes-tag} (unless the call already
 * carries a valid one; the request's tag, else this instance's own), and each carried header as
 * an attachment of its name (unless the call has one), and reports the call's outcome to
 * outlier detection. It runs for the
 * provider the cluster chose, after routing and load balancing.
 *
 * <p>A provider that answers with attachment {@code x-lanes-closing: true} (it is draining) or
 * that a connection could not be opened to is reported to the engine as closing
 * ({@link Routing#closing}): the Lanes router leaves it out from the next call on, including
 * the next attempt of Dubbo's own failover retry, which lists the providers again.
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
        String lane = null;
        String instanceTag = null;
        try {
            // The call's lane: the valid tag it carries, else the one this hop gives it.
            String tag = HopTags.carried(invocation);
            if (tag == null) {
                tag = TrafficContext.outboundTag();
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
                lane = tag;
                instanceTag = InvokerView.INSTANCE.tag(invoker);
            }
        } catch (Throwable t) {
            AgentFaults.report(PLACE, t);
        }
        long start = System.nanoTime();
        Result result;
        try {
            result = invoker.invoke(invocation);
        } catch (RpcException e) {
            if (service != null && address != null) {
                routing.completed(service, address, !countsAgainstProvider(e), lane, instanceTag,
                        System.nanoTime() - start);
                reportClosing(routing, service, address, null, e);
            }
            throw e;
        }
        if (service == null || address == null) {
            return result;
        }
        Outcome outcome = new Outcome(routing, service, address, lane, instanceTag, start);
        try {
            return result.whenCompleteWithContext(outcome);
        } catch (UnsupportedOperationException settled) {
            // A result that is already a plain response takes no callbacks; its outcome is known.
            outcome.accept(result, null);
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

    /** Tells the engine when the provider is going away: a closing answer, or a connection it refused. */
    static void reportClosing(Routing routing, String service, String address, Result result, Throwable thrown) {
        try {
            if (closingAnswer(result) || connectFailure(thrown)
                    || (result != null && result.hasException() && connectFailure(result.getException()))) {
                routing.closing(service, address);
            }
        } catch (Throwable t) {
            AgentFaults.report(PLACE, t);
        }
    }

    /** True when the provider marked its answer {@code x-lanes-closing: true}. */
    static boolean closingAnswer(Result result) {
        String value = result == null ? null : result.getAttachment(Lifecycle.CLOSING_HEADER);
        return value != null && "true".equalsIgnoreCase(value.trim());
    }

    /** A connection that could not be opened ({@link ConnectException} among the causes): the call was never sent. */
    static boolean connectFailure(Throwable failure) {
        Throwable t = failure;
        for (int i = 0; t != null && i < 16; i++) {
            if (t instanceof ConnectException) {
                return true;
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        return false;
    }

    private static boolean countsAgainstProvider(RpcException e) {
        return !e.isBiz() && e.getCode() != RpcException.FORBIDDEN_EXCEPTION;
    }

    /** Reports the outcome of a call once its result is complete. */
    static final class Outcome implements BiConsumer<Result, Throwable> {
        private final Routing routing;
        private final String service;
        private final String address;
        private final String lane;
        private final String instanceTag;
        private final long startNanos;

        Outcome(Routing routing, String service, String address, String lane, String instanceTag, long startNanos) {
            this.routing = routing;
            this.service = service;
            this.address = address;
            this.lane = lane;
            this.instanceTag = instanceTag;
            this.startNanos = startNanos;
        }

        @Override
        public void accept(Result result, Throwable thrown) {
            try {
                routing.completed(service, address, succeeded(result, thrown), lane, instanceTag,
                        System.nanoTime() - startNanos);
                reportClosing(routing, service, address, result, thrown);
            } catch (Throwable t) {
                AgentFaults.report(PLACE, t);
            }
        }
    }
}
