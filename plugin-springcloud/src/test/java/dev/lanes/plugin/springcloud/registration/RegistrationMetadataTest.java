package dev.lanes.plugin.springcloud.registration;

import com.ecwid.consul.v1.agent.model.NewService;
import dev.lanes.bridge.Lanes;
import dev.lanes.plugin.springcloud.AdviceHarness;
import dev.lanes.plugin.springcloud.SpringCloudPlugin;
import dev.lanes.plugin.springcloud.Engine;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.cloud.client.serviceregistry.ServiceRegistry;
import org.springframework.cloud.commons.util.InetUtils;
import org.springframework.cloud.commons.util.InetUtilsProperties;
import com.netflix.appinfo.ApplicationInfoManager;
import com.netflix.appinfo.HealthCheckHandler;
import com.netflix.appinfo.InstanceInfo;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.cloud.consul.discovery.ConsulDiscoveryProperties;
import org.springframework.cloud.netflix.eureka.EurekaClientConfigBean;
import org.springframework.cloud.netflix.eureka.EurekaInstanceConfigBean;
import org.springframework.cloud.netflix.eureka.InstanceInfoFactory;
import org.springframework.cloud.netflix.eureka.serviceregistry.EurekaRegistration;
import org.springframework.cloud.netflix.eureka.serviceregistry.EurekaServiceRegistry;
import org.springframework.cloud.consul.serviceregistry.ConsulRegistration;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;
import org.springframework.cloud.zookeeper.serviceregistry.ServiceInstanceRegistration;
import org.springframework.cloud.zookeeper.serviceregistry.ZookeeperServiceRegistry;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The registration hook installed in this JVM: metadata reaches real registries (a ZooKeeper
 * server in process, read back through a second client), the InstanceInfo a real Eureka client
 * sends, and the maps Consul and hand-made registrations publish, with the tag and start time.
 */
class RegistrationMetadataTest {

    @BeforeAll
    static void install() {
        AdviceHarness.install(new SpringCloudPlugin());
    }

    @BeforeEach
    void installRouting() {
        Engine.install("gray");
    }

    @AfterEach
    void uninstall() {
        Lanes.install(null);
    }

    @Test
    void zookeeperPublishesTheTagAndStartTime() throws Exception {
        try (TestingServer server = new TestingServer(true);
                CuratorFramework registering = client(server);
                CuratorFramework reading = client(server)) {
            ServiceDiscovery<ZookeeperInstance> discovery = discovery(registering);
            ZookeeperServiceRegistry registry = new ZookeeperServiceRegistry(discovery);
            Map<String, String> configured = new HashMap<>();
            configured.put("zone", "a");
            ServiceInstanceRegistration registration = ServiceInstanceRegistration.builder().address("127.0.0.1")
                    .port(8080).name("orders").payload(new ZookeeperInstance("orders-1", "orders", configured))
                    .build();
            long before = System.currentTimeMillis();
            registry.register(registration);
            long after = System.currentTimeMillis();
            assertTrue(AdviceHarness.TRANSFORMED.contains(ZookeeperServiceRegistry.class.getName()),
                    "not transformed: " + AdviceHarness.ERRORS);

            ServiceDiscovery<ZookeeperInstance> readBack = discovery(reading);
            Collection<ServiceInstance<ZookeeperInstance>> found = readBack.queryForInstances("orders");
            assertEquals(1, found.size());
            Map<String, String> published = found.iterator().next().getPayload().getMetadata();
            assertEquals("gray", published.get("lanes.tag"));
            assertEquals("a", published.get("zone"));
            long start = Long.parseLong(published.get("lanes.start"));
            assertTrue(start >= before && start <= after, before + " <= " + start + " <= " + after);
            readBack.close();
            registry.close();
        }
    }

    @Test
    void eurekaPublishesThroughTheInstanceInfoItsClientSends() {
        EurekaInstanceConfigBean config = new EurekaInstanceConfigBean(new InetUtils(new InetUtilsProperties()));
        config.setAppname("orders");
        config.setInstanceId("orders-1");
        config.setHostname("127.0.0.1");
        config.setNonSecurePort(8080);
        config.getMetadataMap().put("zone", "a");
        EurekaClientConfigBean clientConfig = new EurekaClientConfigBean();
        clientConfig.setRegisterWithEureka(false);
        clientConfig.setFetchRegistry(false);
        // What Spring Cloud builds: the InstanceInfo copies the configured metadata at start.
        InstanceInfo info = new InstanceInfoFactory().create(config);
        ApplicationInfoManager manager = new ApplicationInfoManager(config, info);
        EurekaRegistration registration = EurekaRegistration.builder(config).with(manager)
                .with(clientConfig, event -> { })
                .with(new StaticListableBeanFactory().getBeanProvider(HealthCheckHandler.class)).build();
        try {
            new EurekaServiceRegistry().register(registration);
            Map<String, String> sent = manager.getInfo().getMetadata();
            assertEquals("gray", sent.get("lanes.tag"));
            assertTrue(Long.parseLong(sent.get("lanes.start")) > 0);
            assertEquals("a", sent.get("zone"));
            assertTrue(manager.getInfo().isDirty(), "the client sends a dirty InstanceInfo again");
            assertEquals("gray", registration.getMetadata().get("lanes.tag"));
        } finally {
            registration.getEurekaClient().shutdown();
        }
    }

    @Test
    void consulGetsKeysWithoutDotsInTheServiceMetaItSends() {
        NewService service = new NewService();
        service.setName("orders");
        service.setMeta(new LinkedHashMap<>(Collections.singletonMap("group", "g1")));
        ConsulRegistration registration = new ConsulRegistration(service,
                new ConsulDiscoveryProperties(new InetUtils(new InetUtilsProperties())));
        RecordingRegistry registry = new RecordingRegistry();
        registry.register(registration);

        Map<String, String> sent = service.getMeta();
        assertEquals("gray", sent.get("lanes_tag"));
        assertNotNull(sent.get("lanes_start"));
        assertEquals("g1", sent.get("group"));
        for (String key : sent.keySet()) {
            assertTrue(key.matches("[A-Za-z0-9_-]+"), "Consul rejects the metadata key " + key);
        }
        assertEquals(sent, registry.seen);
    }

    /** An application's own Consul registration type, in a package of its own. */
    static final class CustomConsulRegistration extends ConsulRegistration {
        CustomConsulRegistration(NewService service, ConsulDiscoveryProperties properties) {
            super(service, properties);
        }
    }

    @Test
    void aConsulRegistrationSubclassInAnyPackageIsConsulAndNothingElseIs() {
        NewService service = new NewService();
        service.setName("orders");
        service.setMeta(new LinkedHashMap<>());
        CustomConsulRegistration registration = new CustomConsulRegistration(service,
                new ConsulDiscoveryProperties(new InetUtils(new InetUtilsProperties())));
        assertTrue(RegistrationMetadataHelper.isConsul(registration), registration.getClass().getName());
        new RecordingRegistry().register(registration);
        assertEquals("gray", service.getMeta().get("lanes_tag"), "Consul's spelling, without dots");
        assertNull(service.getMeta().get("lanes.tag"));
        assertFalse(RegistrationMetadataHelper.isConsul(new HandMadeRegistration(new HashMap<>())),
                "a registration of another registry keeps the dotted keys");
    }

    @Test
    void anUntaggedInstancePublishesItsStartAndKeepsAConfiguredTag() {
        Engine.install(null);
        Map<String, String> metadata = new HashMap<>();
        metadata.put("lanes.tag", "configured");
        RecordingRegistry registry = new RecordingRegistry();
        registry.register(new HandMadeRegistration(metadata));
        assertEquals("configured", registry.seen.get("lanes.tag"));
        assertTrue(Long.parseLong(registry.seen.get("lanes.start")) > 0);

        RecordingRegistry second = new RecordingRegistry();
        second.register(new HandMadeRegistration(new HashMap<>()));
        assertFalse(second.seen.containsKey("lanes.tag"));
        assertTrue(second.seen.containsKey("lanes.start"));
    }

    @Test
    void aReadOnlyMetadataMapIsReplacedThroughItsSetter() {
        HandMadeRegistration registration = new HandMadeRegistration(Collections.singletonMap("zone", "b"));
        RecordingRegistry registry = new RecordingRegistry();
        registry.register(registration);
        assertEquals("gray", registry.seen.get("lanes.tag"));
        assertEquals("b", registry.seen.get("zone"));
    }

    private static CuratorFramework client(TestingServer server) {
        CuratorFramework client = CuratorFrameworkFactory.newClient(server.getConnectString(), new RetryOneTime(100));
        client.start();
        return client;
    }

    private static ServiceDiscovery<ZookeeperInstance> discovery(CuratorFramework client) throws Exception {
        ServiceDiscovery<ZookeeperInstance> discovery = ServiceDiscoveryBuilder.builder(ZookeeperInstance.class)
                .client(client).basePath("/services")
                .serializer(new JsonInstanceSerializer<>(ZookeeperInstance.class)).build();
        discovery.start();
        return discovery;
    }

    /** A registry that keeps what register() saw, as a registry would send it. */
    static final class RecordingRegistry implements ServiceRegistry<Registration> {
        Map<String, String> seen;

        @Override
        public void register(Registration registration) {
            seen = new HashMap<>(registration.getMetadata());
        }

        @Override
        public void deregister(Registration registration) {
        }

        @Override
        public void close() {
        }

        @Override
        public void setStatus(Registration registration, String status) {
        }

        @Override
        public <T> T getStatus(Registration registration) {
            return null;
        }
    }

    /** A registration whose metadata map may be read-only, with a setter to replace it. */
    public static final class HandMadeRegistration extends DefaultServiceInstance implements Registration {
        private Map<String, String> metadata;

        HandMadeRegistration(Map<String, String> metadata) {
            super("orders-1", "orders", "127.0.0.1", 8080, false);
            this.metadata = metadata;
        }

        @Override
        public Map<String, String> getMetadata() {
            return metadata;
        }

        public void setMetadata(Map<String, String> metadata) {
            this.metadata = metadata;
        }
    }
}
