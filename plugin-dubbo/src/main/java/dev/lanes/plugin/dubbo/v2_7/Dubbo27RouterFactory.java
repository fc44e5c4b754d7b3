package dev.lanes.plugin.dubbo.v2_7;

import org.apache.dubbo.common.URL;
import org.apache.dubbo.rpc.cluster.Router;
import org.apache.dubbo.rpc.cluster.RouterFactory;

/** Makes one {@link Dubbo27Router} for every router chain Dubbo 2.7 builds. */
public final class Dubbo27RouterFactory implements RouterFactory {

    public static final Dubbo27RouterFactory INSTANCE = new Dubbo27RouterFactory();

    private Dubbo27RouterFactory() {
    }

    @Override
    public Router getRouter(URL url) {
        return new Dubbo27Router(url);
    }
}
