package dev.lanes.plugin.springcloud.loadbalancer;

import dev.lanes.bridge.Lanes;
import dev.lanes.bridge.TrafficContext;
import dev.lanes.plugin.springcloud.AdviceHarness;
import dev.lanes.plugin.springcloud.Engine;
import dev.lanes.plugin.springcloud.SpringCloudPlugin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.DefaultResponse;
import org.springframework.cloud.client.loadbalancer.EmptyResponse;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.RequestData;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.context.named.NamedContextFactory;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClient;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClients;
import org.springframework.cloud.loadbalancer.core.ReactorLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.cloud.loadbalancer.core.SelectedInstanceCallback;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.util.LinkedMultiValueMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DESIGN row 11 with the real engine and real Spring Cloud LoadBalancer configurations: the
 * agent narrows the candidates, and the application's balancer (the framework's round robin, a
 * balancer of the application's own, zone preference) still chooses among the lane's instances.
 * Balancers are asked directly, as every Spring Cloud client asks them; instances are
 * SimpleDiscoveryClient entries (nothing needs to listen on their ports).
 */
class ApplicationBalancerTest {

    /** The engine's clock in the warm-up test, and the start times the instances publish. */
    private static final long NOW = 1_700_000_000_000L;

    private static final List<ServiceInstance> PLAIN = Collections.unmodifiableList(Arrays.asList(
            instance("plain", 9401, null), instance("plain", 9402, null), instance("plain", 9403, null)));
    private static final List<ServiceInstance> SELECTED = new CopyOnWriteArrayList<>();

    private static ConfigurableApplicationContext context;
    private static LoadBalancerClientFactory factory;
    private Engine engine;

    @BeforeAll
    static void start() {
        AdviceHarness.install(new SpringCloudPlugin());
        List<String> p = new ArrayList<>();
        p.add("spring.main.banner-mode=off");
        p.add("spring.application.name=caller");
        p.add("spring.cloud.zookeeper.enabled=false");
        p.add("spring.cloud.consul.enabled=false");
        p.add("eureka.client.enabled=false");
        p.add("spring.cloud.service-registry.auto-registration.enabled=false");
        p.add("spring.cloud.loadbalancer.zone=zone-a");
        instances(p, "svc", 9001, "gray", null, 9002, "gray", null, 9003, null, null, 9004, null, null);
        instances(p, "custom", 9101, "gray", null, 9102, "gray", null, 9103, null, null, 9104, null, null);
        instances(p, "zoned", 9201, "gray", "zone-a", 9202, "gray", "zone-b", 9203, null, "zone-a",
                9204, null, "zone-b", 9205, "blue", "zone-b");
        instances(p, "warm", 9301, "gray", null, 9302, "gray", null, 9303, null, null);
        // 9301 started an hour before NOW, 9302 12 s before.
        p.add("spring.cloud.discovery.client.simple.instances.warm[0].metadata[lanes.start]=" + (NOW - 3_600_000L));
        p.add("spring.cloud.discovery.client.simple.instances.warm[1].metadata[lanes.start]=" + (NOW - 12_000L));
        context = new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.NONE)
                .properties(p.toArray(new String[0])).run();
        factory = context.getBean(LoadBalancerClientFactory.class);
        assertTrue(AdviceHarness.ERRORS.isEmpty(), AdviceHarness.ERRORS.toString());
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
        Lanes.install(null);
    }

    @BeforeEach
    void installEngine() {
        engine = Engine.install(null);
    }

    @AfterEach
    void reset() {
        TrafficContext.restore(null);
        Lanes.install(null);
    }

    @Test
    void roundRobinStillRoundRobinsInsideALane() {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            ports.add(choose("svc", "gray"));
        }
        assertEquals(Set.of(9001, 9002), new HashSet<>(ports), ports.toString());
        for (int i = 1; i < ports.size(); i++) {
            assertNotEquals(ports.get(i - 1), ports.get(i), "round robin alternates exactly: " + ports);
        }
        List<Integer> untagged = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            untagged.add(choose("svc", null));
        }
        assertEquals(Set.of(9003, 9004), new HashSet<>(untagged), untagged.toString());
        for (int i = 1; i < untagged.size(); i++) {
            assertNotEquals(untagged.get(i - 1), untagged.get(i), untagged.toString());
        }
    }

    @Test
    void theApplicationsOwnBalancerKeepsChoosingAmongTheLanesInstances() {
        for (int i = 0; i < 5; i++) {
            assertEquals(9102, choose("custom", "gray"), "the highest port among the gray instances");
            assertEquals(9104, choose("custom", null), "the highest port among the base instances");
            assertEquals(9104, choose("custom", "dev1"), "dev1 has no instance: base, highest port");
        }
        assertTrue(factory.getInstance("custom") instanceof HighestPort);
    }

    @Test
    void zonePreferenceKeepsPreferringTheCallersZoneInsideALane() {
        for (int i = 0; i < 10; i++) {
            assertEquals(9201, choose("zoned", "gray"), "gray in zone-a");
            assertEquals(9203, choose("zoned", null), "base in zone-a");
        }
        // Zone preference narrows the list before the lanes do (it sits under the instance
        // cache, the lanes on top of the chain): the caller's zone has instances, none of
        // lane blue, so blue traffic falls back to base there rather than leave the zone.
        for (int i = 0; i < 10; i++) {
            assertEquals(9203, choose("zoned", "blue"), "blue exists only in zone-b");
        }
    }

    @Test
    void warmUpGivesANewInstanceTheLowerShareUnderRoundRobin() {
        engine.clock.set(NOW);
        // Linear ramp over 120 s: 12 s after its start 9302 weighs 10, 9301 weighs 100.
        engine.rules("warmup: {window: 120s, curve: 1, minWeightPercent: 1}\n");
        int n = 2000;
        int fresh = 0;
        for (int i = 0; i < n; i++) {
            int port = choose("warm", "gray");
            assertTrue(port == 9301 || port == 9302, "a gray instance: " + port);
            if (port == 9302) {
                fresh++;
            }
        }
        // Expected share 10/110 = 0.091 (round robin alone: 0.5). The picks are independent
        // weighted draws, so Hoeffding: P(|share - p| >= t) <= 2 exp(-2 n t^2); with t = 0.075 and
        // n = 2000 that is 3.4e-10, the chance of a false failure.
        double share = (double) fresh / n;
        assertTrue(Math.abs(share - 10.0 / 110.0) < 0.075, "share of the new instance: " + share);
        engine.clock.set(NOW + 120_000L);
        Set<Integer> warm = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            warm.add(choose("warm", "gray"));
        }
        assertEquals(Set.of(9301, 9302), warm, "once warm, round robin over both again");
    }

    @Test
    void anEjectedInstanceIsLeftOutOfTheRoundRobin() {
        engine.rules("outlier: {consecutiveErrors: 1}\n");
        Lanes.routing().record("svc", "127.0.0.1:9001", false);
        for (int i = 0; i < 10; i++) {
            assertEquals(9002, choose("svc", "gray"));
        }
        Set<Integer> base = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            base.add(choose("svc", null));
        }
        assertEquals(Set.of(9003, 9004), base);
    }

    @Test
    void untaggedTrafficWithoutRulesSeesTheSameListAndTheSameRoundRobin() {
        ServiceInstanceListSupplier supplier = ((NamedContextFactory<?>) factory)
                .getLazyProvider("plain", ServiceInstanceListSupplier.class).getIfAvailable();
        assertTrue(supplier instanceof LanesServiceInstanceListSupplier, String.valueOf(supplier));
        assertSame(PLAIN, supplier.get(request(null)).blockFirst(), "the very list the application's chain emits");
        assertSame(PLAIN, supplier.get().blockFirst());

        List<Integer> withEngine = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            withEngine.add(choose("plain", null));
        }
        Lanes.install(null);
        List<Integer> withoutAgent = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            withoutAgent.add(choose("plain", null));
        }
        assertEquals(withoutAgent, withEngine);
        assertEquals(Set.of(9401, 9402, 9403), new HashSet<>(withEngine));
    }

    @Test
    void theBalancersSelectionReachesTheApplicationsSupplier() {
        SELECTED.clear();
        int port = choose("plain", null);
        assertEquals(1, SELECTED.size());
        assertEquals(port, SELECTED.get(0).getPort());
    }

    private static int choose(String service, String tag) {
        @SuppressWarnings("unchecked")
        ReactorLoadBalancer<ServiceInstance> balancer = (ReactorLoadBalancer<ServiceInstance>) factory.getInstance(service);
        Response<ServiceInstance> response = balancer.choose(request(tag)).block();
        assertTrue(response != null && response.hasServer(), service + " " + tag + ": " + response);
        return response.getServer().getPort();
    }

    private static Request<RequestDataContext> request(String tag) {
        HttpHeaders headers = new HttpHeaders();
        if (tag != null) {
            headers.set(TrafficContext.HEADER, tag);
        }
        RequestData data = new RequestData(HttpMethod.GET, URI.create("http://service/who"), headers,
                new LinkedMultiValueMap<>(), new HashMap<>());
        return new DefaultRequest<>(new RequestDataContext(data));
    }

    private static ServiceInstance instance(String service, int port, String tag) {
        DefaultServiceInstance instance = new DefaultServiceInstance(service + "-" + port, service, "127.0.0.1", port,
                false);
        if (tag != null) {
            instance.getMetadata().put("lanes.tag", tag);
        }
        return instance;
    }

    /** Port, tag, zone triples as SimpleDiscoveryClient properties. */
    private static void instances(List<String> p, String service, Object... triples) {
        for (int i = 0; i < triples.length / 3; i++) {
            String prefix = "spring.cloud.discovery.client.simple.instances." + service + "[" + i + "].";
            p.add(prefix + "uri=http://127.0.0.1:" + triples[3 * i]);
            if (triples[3 * i + 1] != null) {
                p.add(prefix + "metadata[lanes.tag]=" + triples[3 * i + 1]);
            }
            if (triples[3 * i + 2] != null) {
                p.add(prefix + "metadata[zone]=" + triples[3 * i + 2]);
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @LoadBalancerClients({
            @LoadBalancerClient(name = "custom", configuration = HighestPortConfiguration.class),
            @LoadBalancerClient(name = "zoned", configuration = ZonePreferenceConfiguration.class),
            @LoadBalancerClient(name = "plain", configuration = FixedListConfiguration.class)})
    static class TestApplication {
    }

    /** A balancer of the application's own, declared the documented way. */
    static class HighestPortConfiguration {
        @Bean
        ReactorLoadBalancer<ServiceInstance> highestPort(Environment environment, LoadBalancerClientFactory clients) {
            String name = environment.getProperty(LoadBalancerClientFactory.PROPERTY_NAME);
            return new HighestPort(clients.getLazyProvider(name, ServiceInstanceListSupplier.class));
        }
    }

    /** Always the instance with the highest port. */
    static final class HighestPort implements ReactorServiceInstanceLoadBalancer {
        private final ObjectProvider<ServiceInstanceListSupplier> suppliers;

        HighestPort(ObjectProvider<ServiceInstanceListSupplier> suppliers) {
            this.suppliers = suppliers;
        }

        @Override
        @SuppressWarnings("rawtypes")
        public Mono<Response<ServiceInstance>> choose(Request request) {
            return suppliers.getIfAvailable().get(request).next().map(list -> {
                ServiceInstance highest = null;
                for (ServiceInstance instance : list) {
                    if (highest == null || instance.getPort() > highest.getPort()) {
                        highest = instance;
                    }
                }
                return highest == null ? new EmptyResponse() : new DefaultResponse(highest);
            });
        }
    }

    /** The framework's zone preference, as its documentation has applications declare it. */
    static class ZonePreferenceConfiguration {
        @Bean
        ServiceInstanceListSupplier zonePreference(ConfigurableApplicationContext context) {
            return ServiceInstanceListSupplier.builder().withDiscoveryClient().withZonePreference().withCaching()
                    .build(context);
        }
    }

    static class FixedListConfiguration {
        @Bean
        ServiceInstanceListSupplier fixed() {
            return new FixedList();
        }
    }

    /** Emits one list object, and records what the balancer selected. */
    static final class FixedList implements ServiceInstanceListSupplier, SelectedInstanceCallback {
        @Override
        public String getServiceId() {
            return "plain";
        }

        @Override
        public Flux<List<ServiceInstance>> get() {
            return Flux.just(PLAIN);
        }

        @Override
        public void selectedServiceInstance(ServiceInstance serviceInstance) {
            SELECTED.add(serviceInstance);
        }
    }
}
