package dev.lanes.plugin.dubbo.v3;

import dev.lanes.plugin.dubbo.common.DubboRouting;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.common.utils.Holder;
import org.apache.dubbo.rpc.Invocation;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.RpcException;
import org.apache.dubbo.rpc.cluster.router.RouterSnapshotNode;
import org.apache.dubbo.rpc.cluster.router.state.BitList;
import org.apache.dubbo.rpc.cluster.router.state.StateRouter;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The Lanes router of Dubbo 3.x: a {@link StateRouter}, last among the state routers Dubbo
 * activates (after its tag, condition, mesh and script routers), that narrows the providers
 * they left and hands the rest to the next router of the chain.
 */
public final class LanesStateRouter<T> implements StateRouter<T> {

    private final URL url;
    private volatile StateRouter<T> next;

    LanesStateRouter(URL url) {
        this.url = url;
    }

    @Override
    public URL getUrl() {
        return url;
    }

    @Override
    public BitList<Invoker<T>> route(BitList<Invoker<T>> invokers, URL url, Invocation invocation,
            boolean needToPrintMessage, Holder<RouterSnapshotNode<T>> nodeHolder) throws RpcException {
        BitList<Invoker<T>> routed = narrow(invokers, url, invocation);
        StateRouter<T> following = next;
        return following == null ? routed : following.route(routed, url, invocation, needToPrintMessage, nodeHolder);
    }

    /** {@code invokers} itself, or a copy holding only the providers the lanes allow. */
    static <T> BitList<Invoker<T>> narrow(BitList<Invoker<T>> invokers, URL url, Invocation invocation) {
        if (invokers == null || invokers.isEmpty()) {
            return invokers;
        }
        List<Invoker<T>> candidates = candidates(invokers);
        List<Invoker<T>> kept = DubboRouting.route(candidates, url, invocation);
        if (kept == candidates || kept.size() == candidates.size()) {
            return invokers;
        }
        BitList<Invoker<T>> narrowed = invokers.clone();
        for (Iterator<Invoker<T>> it = narrowed.iterator(); it.hasNext(); ) {
            if (!containsSame(kept, it.next())) {
                it.remove();
            }
        }
        return narrowed;
    }

    /**
     * The providers as a list the engine reads by index. Dubbo's router chain hands every call a
     * clone of its directory's {@link BitList}; while no router before this one left a provider
     * out, that is the directory's own list of providers, the same object from call to call until
     * the provider set changes, which lets the engine group it once instead of reading every
     * provider's tag per call. Otherwise a copy (a BitList reads by index in linear time).
     */
    static <T> List<Invoker<T>> candidates(BitList<Invoker<T>> invokers) {
        List<Invoker<T>> origin = invokers.getOriginList();
        if (origin instanceof java.util.RandomAccess && !(origin instanceof BitList)
                && origin.size() == invokers.size() && invokers.getTailList() == null) {
            return origin;
        }
        return new ArrayList<Invoker<T>>(invokers);
    }

    private static <T> boolean containsSame(List<Invoker<T>> list, Invoker<T> invoker) {
        for (int i = 0, n = list.size(); i < n; i++) {
            if (list.get(i) == invoker) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean isRuntime() {
        return true;
    }

    @Override
    public boolean isForce() {
        return false;
    }

    @Override
    public void notify(BitList<Invoker<T>> invokers) {
        // Routing reads each provider's parameters per call; nothing to precompute.
    }

    @Override
    public String buildSnapshot() {
        return "LanesStateRouter (routing by lanes: dev.lanes)";
    }

    @Override
    public void setNextRouter(StateRouter<T> nextRouter) {
        this.next = nextRouter;
    }
}
