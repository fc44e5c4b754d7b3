package dev.lanes.demo.app.dubbo;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.apache.dubbo.rpc.RpcContext;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

import dev.lanes.demo.app.ChainController;
import dev.lanes.demo.app.DubboNext;
import dev.lanes.demo.dubbo.ChainService;

/**
 * Dubbo through its plain API (no Dubbo Spring integration, so one source serves Dubbo 2.7
 * and 3.x on any Spring Boot line): a provider of {@link ChainService} when
 * {@code demo.dubbo.provide=true}, a consumer of it when {@code demo.next=dubbo:<service>},
 * and an outside client for {@code GET /dubbo/call} when {@code demo.dubbo.client=true}.
 */
@Configuration
@EnableConfigurationProperties(DubboSettings.class)
@ConditionalOnExpression("${demo.dubbo.provide:false} or ${demo.dubbo.client:false} or '${demo.next:}'.startsWith('dubbo:')")
public class DubboConfiguration implements DubboNext, SmartInitializingSingleton, DisposableBean {

    private final DubboSettings settings;
    private final ChainController chain;
    private final String application;
    private final String next;
    private final Map<String, ChainService> direct = new ConcurrentHashMap<>();
    private volatile ChainService downstream;

    public DubboConfiguration(DubboSettings settings, @Lazy ChainController chain,
            @Value("${spring.application.name}") String application, @Value("${demo.next:}") String next) {
        this.settings = settings;
        this.chain = chain;
        this.application = application;
        this.next = next.trim();
    }

    /**
     * Starts Dubbo when the context's beans are ready, before the web server starts and the
     * instance registers with Spring Cloud, so that a registered instance serves both.
     */
    @Override
    public void afterSingletonsInstantiated() {
        if (!settings.getDiscovery().isEmpty()) {
            // Dubbo 3 reads this before any reference exists; Dubbo 2.7 knows interface-level only.
            String step = "interface".equals(settings.getDiscovery()) ? "FORCE_INTERFACE" : "FORCE_APPLICATION";
            System.setProperty("dubbo.application.service-discovery.migration", step);
            System.setProperty("dubbo.application.migration.step", step);
        }
        // The demo stays on loopback: Dubbo refuses 127.0.0.1 as a configured address, but takes
        // the host name's address when it may use no network interface (here 127.0.0.1).
        System.setProperty("dubbo.network.interface.ignored", ".*");
        // Several instances on one machine keep no shared cache files (Dubbo 3).
        System.setProperty("dubbo.application.enable-file-cache", "false");
        ApplicationConfig app = new ApplicationConfig(application);
        app.setQosEnable(false);
        // Dubbo 3 registers instances under /services by default, where Spring Cloud ZooKeeper
        // keeps its own: a root of their own keeps the two apart.
        RegistryConfig registry = new RegistryConfig(settings.getRegistry() + "?rootPath=/dubbo-services");
        DubboBootstrap bootstrap = DubboBootstrap.getInstance().application(app).registry(registry);
        ProtocolConfig protocol = new ProtocolConfig("dubbo", settings.getPort() > 0 ? settings.getPort() : -1);
        bootstrap.protocol(protocol);
        if (settings.isProvide()) {
            ServiceConfig<ChainService> service = new ServiceConfig<>();
            service.setInterface(ChainService.class);
            service.setRef(new ChainServiceImpl(chain));
            service.setTimeout(10_000);
            bootstrap.service(service);
        }
        ReferenceConfig<ChainService> reference = null;
        if (next.startsWith("dubbo:")) {
            reference = newReference(null);
            bootstrap.reference(reference);
        }
        bootstrap.start();
        if (reference != null) {
            downstream = reference.get();
        }
    }

    private ReferenceConfig<ChainService> newReference(String url) {
        ReferenceConfig<ChainService> reference = new ReferenceConfig<>();
        reference.setInterface(ChainService.class);
        reference.setCheck(false);
        reference.setTimeout(10_000);
        // One call, one outcome: a failure is reported, not retried on another provider.
        reference.setRetries(0);
        if (url != null) {
            reference.setUrl(url);
        }
        return reference;
    }

    @Override
    public Map<String, Object> chain(String argument) {
        ChainService service = downstream;
        if (service == null) {
            throw new IllegalStateException("Dubbo is not started yet in " + application);
        }
        return service.chain(argument);
    }

    /**
     * An outside client's call (no routing by lanes: a direct URL): {@code tag}, when given, is
     * sent as the {@code x-lanes-tag} attachment, as a caller that knows its lane would.
     */
    @SuppressWarnings("deprecation")
    public Map<String, Object> callDirect(String url, String tag, String argument) {
        ChainService service = direct.computeIfAbsent(url, u -> {
            return newReference(u).get();
        });
        // Set, or removed, for every call: Dubbo 2.7 can leave a call's attachments on the
        // thread's context, where the next call from this (pooled) thread would send them again.
        if (tag != null && !tag.isEmpty()) {
            RpcContext.getContext().setAttachment("x-lanes-tag", tag);
        } else {
            RpcContext.getContext().removeAttachment("x-lanes-tag");
        }
        try {
            return service.chain(argument);
        } finally {
            RpcContext.getContext().removeAttachment("x-lanes-tag");
        }
    }

    @Override
    public void destroy() {
        DubboBootstrap.getInstance().stop();
    }
}
