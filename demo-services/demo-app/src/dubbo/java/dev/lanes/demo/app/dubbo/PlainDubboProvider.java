package dev.lanes.demo.app.dubbo;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;

import dev.lanes.demo.dubbo.ChainService;

/**
 * A Dubbo provider with no Spring at all, as Dubbo's own API samples start one: one service,
 * exported by {@code DubboBootstrap}, registered in ZooKeeper, answering with its name. Run from
 * the demo jar with Boot's PropertiesLauncher ({@code -Dloader.main=}this class); arguments: the
 * ZooKeeper address (host:port) and the application name.
 */
public final class PlainDubboProvider {

    private PlainDubboProvider() {
    }

    public static void main(String[] args) {
        String zooKeeper = args[0];
        String name = args[1];
        System.setProperty("dubbo.network.interface.ignored", ".*");
        System.setProperty("dubbo.application.enable-file-cache", "false");
        ApplicationConfig application = new ApplicationConfig(name);
        application.setQosEnable(false);
        ServiceConfig<ChainService> service = new ServiceConfig<>();
        service.setInterface(ChainService.class);
        service.setRef(new Named(name));
        DubboBootstrap.getInstance()
                .application(application)
                .registry(new RegistryConfig("zookeeper://" + zooKeeper))
                .protocol(new ProtocolConfig("dubbo", -1))
                .service(service)
                .start();
        System.out.println("plain Dubbo provider " + name + " started");
        DubboBootstrap.getInstance().await();
    }

    /** The service: answers with the provider's name (a class of its own, for Dubbo's wrapper). */
    static final class Named implements ChainService {
        private final String name;

        Named(String name) {
            this.name = name;
        }

        @Override
        public Map<String, Object> chain(String argument) {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("instance", name);
            answer.put("argument", argument);
            return answer;
        }
    }
}
