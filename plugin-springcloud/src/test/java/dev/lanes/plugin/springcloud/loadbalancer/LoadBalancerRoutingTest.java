package dev.lanes.plugin.springcloud.loadbalancer;

import com.sun.net.httpserver.HttpServer;
import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.LaneUnavailableException;
import dev.lanes.bridge.Lanes;
import dev.lanes.bridge.TrafficContext;
import dev.lanes.plugin.springcloud.AdviceHarness;
import dev.lanes.plugin.springcloud.SpringCloudPlugin;
import dev.lanes.plugin.springcloud.Engine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plugin's LoadBalancer hooks installed in this JVM with the real Spring Cloud
 * LoadBalancer auto-configuration (SimpleDiscoveryClient, caching supplier, round robin),
 * a load-balanced RestTemplate and WebClient, the agent's real routing engine, and one HTTP
 * server per instance on loopback that answers with its own name: each test asserts who
 * served each call.
 */
class LoadBalancerRoutingTest {

    private static final String[] NAMES = {"base", "gray", "dev1"};
    private static final List<HttpServer> SERVERS = new ArrayList<>();
    private static int deadPort;
    private static ConfigurableApplicationContext context;
    private static RestTemplate rest;
    private static WebClient web;

    private Engine routing;

    @BeforeAll
    static void start() throws IOException {
        AdviceHarness.install(new SpringCloudPlugin());
        List<String> properties = new ArrayList<>();
        properties.add("spring.main.banner-mode=off");
        properties.add("spring.application.name=caller");
        // Only the simple discovery client: the registries on the test class path stay off.
        properties.add("spring.cloud.zookeeper.enabled=false");
        properties.add("spring.cloud.consul.enabled=false");
        properties.add("spring.cloud.service-registry.auto-registration.enabled=false");
        // One call, one outcome: no retries on the next instance.
        properties.add("spring.cloud.loadbalancer.retry.enabled=false");
        for (int i = 0; i < NAMES.length; i++) {
            HttpServer server = server(NAMES[i]);
            SERVERS.add(server);
            String prefix = "spring.cloud.discovery.client.simple.instances.svc[" + i + "].";
            properties.add(prefix + "uri=http://127.0.0.1:" + server.getAddress().getPort());
            if (!NAMES[i].equals("base")) {
                properties.add(prefix + "metadata[lanes.tag]=" + NAMES[i]);
            }
        }
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            deadPort = probe.getLocalPort(); // closed again below: nothing listens there
        }
        String prefix = "spring.cloud.discovery.client.simple.instances.svc[3].";
        properties.add(prefix + "uri=http://127.0.0.1:" + deadPort);
        properties.add(prefix + "metadata[lanes.tag]=dead");
        context = new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.NONE)
                .properties(properties.toArray(new String[0])).run();
        rest = context.getBean(RestTemplate.class);
        web = context.getBean(WebClient.Builder.class).build();
        assertTrue(AdviceHarness.TRANSFORMED.contains(NamedContextFactoryInstrumentation.NAMED_CONTEXT_FACTORY),
                "NamedContextFactory was not transformed: " + AdviceHarness.ERRORS);
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
        for (HttpServer server : SERVERS) {
            server.stop(0);
        }
        Lanes.install(null);
    }

    @BeforeEach
    void installRouting() {
        routing = Engine.install(null);
    }

    @AfterEach
    void clearTag() {
        TrafficContext.restore(null);
        Lanes.install(null);
    }

    @Test
    void untaggedTrafficStaysOnBaseInstances() {
        for (int i = 0; i < 6; i++) {
            assertEquals("base", rest.getForObject("http://svc/who", String.class));
        }
    }

    @Test
    void theEngineSeesTheServicePathAndMethodOfTheCall() {
        routing.rules("routes:\n"
                + "  - service: svc\n"
                + "    match: {path: /routed, method: POST}\n"
                + "    to: {tag: dev1}\n");
        assertEquals("dev1", rest.postForObject("http://svc/routed", null, String.class));
        assertEquals("base", rest.getForObject("http://svc/routed", String.class), "the method does not match");
        assertEquals("base", rest.postForObject("http://svc/other", null, String.class), "the path does not match");
    }

    @Test
    void blockingCallsFollowTheThreadsTrafficTag() {
        TrafficContext.attach("gray");
        for (int i = 0; i < 4; i++) {
            assertEquals("gray", rest.getForObject("http://svc/who", String.class));
        }
        assertEquals("gray", TrafficContext.tag(), "the caller's tag is restored after the choice");
    }

    @Test
    void theOutboundHeaderWinsOverTheThreadsTag() {
        TrafficContext.attach("gray");
        HttpHeaders headers = new HttpHeaders();
        headers.set(TrafficContext.HEADER, "dev1");
        for (int i = 0; i < 3; i++) {
            assertEquals("dev1", rest.exchange("http://svc/who", HttpMethod.GET, new HttpEntity<>(headers),
                    String.class).getBody());
        }
    }

    @Test
    void reactiveCallsTakeTheTagFromTheHeaderOrTheSubscribingThread() {
        for (int i = 0; i < 3; i++) {
            assertEquals("gray", web.get().uri("http://svc/who").header(TrafficContext.HEADER, "gray")
                    .retrieve().bodyToMono(String.class).block());
        }
        TrafficContext.attach("dev1");
        for (int i = 0; i < 3; i++) {
            assertEquals("dev1", web.get().uri("http://svc/who").retrieve().bodyToMono(String.class).block());
        }
        TrafficContext.restore(null);
        for (int i = 0; i < 3; i++) {
            assertEquals("base", web.get().uri("http://svc/who").retrieve().bodyToMono(String.class).block());
        }
    }

    @Test
    void customRoutesMatchRequestAttributes() {
        routing.rules("routes:\n"
                + "  - service: svc\n"
                + "    match: {query: {lane: dev1}}\n"
                + "    to: {tag: dev1}\n"
                + "  - service: svc\n"
                + "    match: {cookies: {lane: base-none}}\n"
                + "    to: {tag: none}\n"
                + "  - service: svc\n"
                + "    match: {headers: {x-env: dev1}}\n"
                + "    to: {tag: dev1}\n"
                + "  - service: svc\n"
                + "    match: {method: POST, query: {lane: dev1}}\n"
                + "    to: {tag: dev1}\n");
        TrafficContext.attach("gray");
        assertEquals("dev1", rest.getForObject("http://svc/who?lane=dev1", String.class));
        HttpHeaders cookie = new HttpHeaders();
        cookie.set(HttpHeaders.COOKIE, "session=1; lane=base-none");
        assertEquals("base", rest.exchange("http://svc/who", HttpMethod.GET, new HttpEntity<>(cookie), String.class)
                .getBody(), "a route to a tag nobody has falls back to base");
        assertEquals("dev1", web.get().uri("http://svc/who").header("X-Env", "dev1").retrieve()
                .bodyToMono(String.class).block());
        assertEquals("dev1", web.post().uri("http://svc/who?x=1&lane=dev1").retrieve()
                .bodyToMono(String.class).block());
        assertEquals("gray", rest.getForObject("http://svc/who?lane=dev2", String.class), "no route matches");
    }

    @Test
    void aStrictLaneWithoutInstancesFailsTheCallWithItsMessage() {
        routing.rules("lanes:\n  - {name: blue, tag: blue, fallback: none}\n");
        TrafficContext.attach("blue");
        LaneUnavailableException blocking = assertThrows(LaneUnavailableException.class,
                () -> rest.getForObject("http://svc/who", String.class));
        assertTrue(blocking.getMessage().contains("'svc'") && blocking.getMessage().contains("'blue'"),
                blocking.getMessage());
        TrafficContext.restore(null);
        LaneUnavailableException reactive = assertThrows(LaneUnavailableException.class,
                () -> web.get().uri("http://svc/who").header(TrafficContext.HEADER, "blue").retrieve()
                        .bodyToMono(String.class).block());
        assertEquals(new LaneUnavailableException("svc", "blue").getMessage(), reactive.getMessage());
    }

    @Test
    void aFailingRoutingLeavesTheChoiceToTheFramework() {
        routing.broken = true;
        long faultsBefore = AgentFaults.total();
        Set<String> served = new HashSet<>();
        // POST: a refused GET would be retried on the next instance, and "dead" never seen.
        for (int i = 0; i < 8; i++) {
            try {
                served.add(rest.postForObject("http://svc/who", null, String.class));
            } catch (ResourceAccessException deadInstance) {
                served.add("dead");
            }
        }
        assertEquals(Set.of("base", "gray", "dev1", "dead"), served, "round robin over every instance");
        assertTrue(AgentFaults.total() > faultsBefore);
        assertTrue(AgentFaults.byPlace().containsKey(LanesServiceInstanceListSupplier.PLACE),
                AgentFaults.byPlace().toString());
    }

    @Test
    void withoutAnInstalledRoutingTheFrameworkChoosesAlone() {
        Lanes.install(null);
        Set<String> served = new HashSet<>();
        // POST: a refused GET would be retried on the next instance, and "dead" never seen.
        for (int i = 0; i < 8; i++) {
            try {
                served.add(rest.postForObject("http://svc/who", null, String.class));
            } catch (ResourceAccessException deadInstance) {
                served.add("dead");
            }
        }
        assertEquals(Set.of("base", "gray", "dev1", "dead"), served);
    }

    @Test
    void callOutcomesFeedOutlierDetection() {
        String gray = "127.0.0.1:" + SERVERS.get(1).getAddress().getPort();
        String dead = "127.0.0.1:" + deadPort;
        TrafficContext.attach("gray");
        assertEquals("gray", rest.getForObject("http://svc/who", String.class));
        assertThrows(HttpServerErrorException.class, () -> rest.getForObject("http://svc/fail", String.class));
        assertThrows(WebClientResponseException.class,
                () -> web.get().uri("http://svc/fail").retrieve().bodyToMono(String.class).block());
        assertEquals("gray", web.get().uri("http://svc/who").retrieve().bodyToMono(String.class).block());
        TrafficContext.attach("dead");
        assertThrows(ResourceAccessException.class, () -> rest.getForObject("http://svc/who", String.class));
        assertThrows(RuntimeException.class,
                () -> web.get().uri("http://svc/who").retrieve().bodyToMono(String.class).block());

        List<String> outcomes = new ArrayList<>();
        for (Engine.Outcome o : routing.outcomes) {
            outcomes.add(o.toString());
        }
        // Each refused GET is tried twice: the call and its one retry (the lane has no other instance).
        assertEquals(List.of("svc@" + gray + "=true", "svc@" + gray + "=false", "svc@" + gray + "=false",
                "svc@" + gray + "=true", "svc@" + dead + "=false", "svc@" + dead + "=false", "svc@" + dead + "=false",
                "svc@" + dead + "=false"), outcomes);
    }

    @Test
    void theBalancerReadsItsCandidatesThroughTheLanesSupplierOnce() {
        Object factory = context.getBean("loadBalancerClientFactory");
        org.springframework.cloud.context.named.NamedContextFactory<?> named =
                (org.springframework.cloud.context.named.NamedContextFactory<?>) factory;
        Object supplier = named.getLazyProvider("svc",
                org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier.class).getIfAvailable();
        assertTrue(supplier instanceof LanesServiceInstanceListSupplier, String.valueOf(supplier));
        assertFalse(((LanesServiceInstanceListSupplier) supplier).delegate() instanceof LanesServiceInstanceListSupplier);
        Object direct = named.getInstance("svc",
                org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier.class);
        assertTrue(direct instanceof LanesServiceInstanceListSupplier, String.valueOf(direct));
        assertSame(((LanesServiceInstanceListSupplier) supplier).delegate(),
                ((LanesServiceInstanceListSupplier) direct).delegate(), "the same bean underneath");
        assertSame(direct, named.getInstance("svc",
                org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier.class), "kept per service");
        assertSame(supplier, LoadBalancerHelper.decorate(factory, "svc",
                org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier.class, supplier),
                "never wrapped twice");
        Object provider = named.getProvider("svc", org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier.class);
        assertTrue(provider instanceof LanesSupplierProvider, String.valueOf(provider));
        assertSame(provider, LoadBalancerHelper.decorateProvider(factory, "svc",
                org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier.class, provider));
        Object yielded = ((LanesSupplierProvider) provider).getIfAvailable();
        assertSame(yielded, ((LanesSupplierProvider) provider).getIfAvailable(), "the provider keeps its wrapper");
        assertSame(((LanesServiceInstanceListSupplier) supplier).delegate(),
                ((LanesServiceInstanceListSupplier) yielded).delegate());
        Object lifecycle = named.getProvider("svc", org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle.class);
        assertFalse(lifecycle instanceof LanesSupplierProvider, "other types are left alone");
        Object balancer = ((org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer.Factory<?>) factory)
                .getInstance("svc");
        assertTrue(balancer instanceof org.springframework.cloud.loadbalancer.core.RoundRobinLoadBalancer,
                "the application's own balancer is handed out: " + balancer);
    }

    private static HttpServer server(String name) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            boolean fail = exchange.getRequestURI().getPath().startsWith("/fail");
            byte[] body = name.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(fail ? 503 : 200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class TestApplication {

        @Bean
        @LoadBalanced
        RestTemplate restTemplate() {
            return new RestTemplate();
        }

        @Bean
        @LoadBalanced
        WebClient.Builder webClientBuilder() {
            return WebClient.builder();
        }
    }
}
