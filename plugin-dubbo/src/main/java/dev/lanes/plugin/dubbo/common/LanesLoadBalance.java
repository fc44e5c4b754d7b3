package dev.lanes.plugin.dubbo.common;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.InstanceView;
import dev.lanes.bridge.Lanes;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.rpc.Invocation;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.RpcException;
import org.apache.dubbo.rpc.cluster.LoadBalance;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Wraps the load balance a Dubbo cluster invoker chose (random, round robin, least active,
 * consistent hash, or the application's own): while Lanes warm-up weights differ among the
 * providers left by routing, Lanes picks by them; otherwise, and in dry run, the wrapped load
 * balance chooses exactly as without the agent, with Dubbo's own weights and warm-up.
 */
public final class LanesLoadBalance implements LoadBalance {

    private static final String PLACE = "dubbo:load-balance";
    private static final int MAX_CACHED = 64;
    @SuppressWarnings("rawtypes")
    private static final InstanceView VIEW = InvokerView.INSTANCE;
    /** Load balances are extension singletons: one wrapper each. */
    private static final ConcurrentMap<LoadBalance, LanesLoadBalance> WRAPPERS =
            new ConcurrentHashMap<LoadBalance, LanesLoadBalance>();

    private final LoadBalance delegate;

    LanesLoadBalance(LoadBalance delegate) {
        this.delegate = delegate;
    }

    /** The load balance to use instead of {@code chosen}, the result of {@code initLoadBalance}. */
    public static Object wrap(Object chosen) {
        if (!(chosen instanceof LoadBalance) || chosen instanceof LanesLoadBalance) {
            return chosen;
        }
        LoadBalance balance = (LoadBalance) chosen;
        LanesLoadBalance wrapper = WRAPPERS.get(balance);
        if (wrapper == null) {
            wrapper = new LanesLoadBalance(balance);
            if (WRAPPERS.size() < MAX_CACHED) {
                LanesLoadBalance raced = WRAPPERS.putIfAbsent(balance, wrapper);
                if (raced != null) {
                    wrapper = raced;
                }
            }
        }
        return wrapper;
    }

    public LoadBalance delegate() {
        return delegate;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Invoker<T> select(List<Invoker<T>> invokers, URL url, Invocation invocation) throws RpcException {
        if (invokers != null && invokers.size() > 1) {
            try {
                Invoker<T> picked = (Invoker<T>) Lanes.routing().pickWeighted(
                        url == null ? null : url.getServiceInterface(), invokers, VIEW);
                if (picked != null) {
                    return picked;
                }
            } catch (Throwable t) {
                AgentFaults.report(PLACE, t);
            }
        }
        return delegate.select(invokers, url, invocation);
    }
}
