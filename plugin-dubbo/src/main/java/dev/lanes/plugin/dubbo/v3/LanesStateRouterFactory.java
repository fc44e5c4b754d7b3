package dev.lanes.plugin.dubbo.v3;

import org.apache.dubbo.common.URL;
import org.apache.dubbo.rpc.cluster.router.state.StateRouter;
import org.apache.dubbo.rpc.cluster.router.state.StateRouterFactory;

/** Makes one {@link LanesStateRouter} for every router chain Dubbo 3.x builds. */
public final class LanesStateRouterFactory implements StateRouterFactory {

    public static final LanesStateRouterFactory INSTANCE = new LanesStateRouterFactory();

    private LanesStateRouterFactory() {
    }

    @Override
    public <T> StateRouter<T> getRouter(Class<T> interfaceClass, URL url) {
        return new LanesStateRouter<T>(url);
    }
}
