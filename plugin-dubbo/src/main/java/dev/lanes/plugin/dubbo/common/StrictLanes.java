package dev.lanes.plugin.dubbo.common;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.LaneUnavailableException;
import org.apache.dubbo.rpc.Invocation;
import org.apache.dubbo.rpc.RpcException;

/**
 * Carries a strict lane's error from the router to the caller. Dubbo's directories catch and
 * log what a router throws, so the router leaves no provider and keeps the error on the
 * invocation (an attribute, never sent); when the cluster invoker then fails for want of a
 * provider, its exception is replaced by one with the lane's message, which names the service
 * and the lane.
 */
public final class StrictLanes {

    /** Invocation attribute holding the {@link LaneUnavailableException} of the last routing. */
    static final String ATTRIBUTE = "dev.lanes.strict-lane-failure";
    private static final String PLACE = "dubbo:strict-lane";

    private StrictLanes() {
    }

    static void remember(Invocation invocation, LaneUnavailableException e) {
        if (invocation != null) {
            invocation.put(ATTRIBUTE, e);
        }
    }

    static void forget(Invocation invocation) {
        if (invocation != null && invocation.get(ATTRIBUTE) != null) {
            invocation.put(ATTRIBUTE, null);
        }
    }

    /**
     * What {@code AbstractClusterInvoker.checkInvokers} should throw instead of {@code thrown}:
     * an {@link RpcException} (code {@code FORBIDDEN_EXCEPTION}) with the lane's message and the
     * {@link LaneUnavailableException} as its cause when routing left no provider because of a
     * strict lane; {@code thrown} otherwise.
     */
    public static Throwable failure(Object invocation, Throwable thrown) {
        try {
            if (thrown instanceof RpcException && invocation instanceof Invocation) {
                Object e = ((Invocation) invocation).get(ATTRIBUTE);
                if (e instanceof LaneUnavailableException) {
                    LaneUnavailableException lane = (LaneUnavailableException) e;
                    return new RpcException(RpcException.FORBIDDEN_EXCEPTION, lane.getMessage(), lane);
                }
            }
        } catch (Throwable t) {
            AgentFaults.report(PLACE, t);
        }
        return thrown;
    }
}
