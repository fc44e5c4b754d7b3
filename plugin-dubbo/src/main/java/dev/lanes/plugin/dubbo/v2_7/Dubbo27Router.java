package dev.lanes.plugin.dubbo.v2_7;

import dev.lanes.plugin.dubbo.common.DubboRouting;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.rpc.Invocation;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.RpcException;
import org.apache.dubbo.rpc.cluster.Router;

import java.util.List;

/**
 * The Lanes router of Dubbo 2.7: a runtime {@link Router} with the lowest priority, so it runs
 * last in every router chain, after Dubbo's own (mock, tag, condition, script) routers, on the
 * providers they left.
 */
public final class Dubbo27Router implements Router {

    private final URL url;

    Dubbo27Router(URL url) {
        this.url = url;
    }

    @Override
    public URL getUrl() {
        return url;
    }

    @Override
    public <T> List<Invoker<T>> route(List<Invoker<T>> invokers, URL url, Invocation invocation) throws RpcException {
        return DubboRouting.route(invokers, url, invocation);
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
    public int getPriority() {
        return Integer.MAX_VALUE;
    }
}
