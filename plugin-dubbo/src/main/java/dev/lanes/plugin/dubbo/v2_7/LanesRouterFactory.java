package dev.lanes.plugin.dubbo.v2_7;

import org.apache.dubbo.common.URL;
import org.apache.dubbo.rpc.cluster.Router;
import org.apache.dubbo.rpc.cluster.RouterFactory;

/** Makes one {@link LanesRouter} for every router chain Dubbo 2.7 builds. */
public final class LanesRouterFactory implements RouterFactory {

    public static final LanesRouterFactory INSTANCE = new LanesRouterFactory();

    private LanesRouterFactory() {
    }

    @Override
    public Router getRouter(URL url) {
        return new LanesRouter(url);
    }
}
