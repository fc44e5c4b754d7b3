package dev.lanes.plugin.springcloud.loadbalancer.retry;

import com.sun.net.httpserver.HttpServer;
import dev.lanes.bridge.Lanes;
import dev.lanes.plugin.springcloud.AdviceHarness;
import dev.lanes.plugin.springcloud.Engine;
import dev.lanes.plugin.springcloud.SpringCloudPlugin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.Cache;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.cloud.loadbalancer.cache.LoadBalancerCacheManager;
import org.springframework.cloud.loadbalancer.core.CachingServiceInstanceListSupplier;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.WebClient;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The consumer side of lossless offline with real Spring Cloud LoadBalancer clients
 * ({@code @LoadBalanced RestTemplate} and {@code WebClient}), the agent's advice and the real
 * engine: a connection refused by the instance chosen is retried once on another instance for
 * idempotent methods only, and an instance that refused, or answered {@code x-lanes-closing:
 * true}, is left out of the next choices and its service's cached instance list is evicted.
 */
class ClosingAndRetryTest {

    private static ConfigurableApplicationContext context;
    private static HttpServer ok;
    private static HttpServer closing;
    private static final AtomicInteger OK_HITS = new AtomicInteger();
    private static final AtomicInteger CLOSING_HITS = new AtomicInteger();
    private static int refusedPort;

    private Engine engine;

    @BeforeAll
    static void start() throws IOException {
        AdviceHarness.install(new SpringCloudPlugin());
        ok = server(OK_HITS, false);
        closing = server(CLOSING_HITS, true);
        try (ServerSocket socket = new ServerSocket(0)) {
            refusedPort = socket.getLocalPort();
        }
        List<String> p = new ArrayList<>();
        p.add("spring.main.banner-mode=off");
        p.add("spring.application.name=caller");
        p.add("spring.cloud.zookeeper.enabled=false");
        p.add("spring.cloud.consul.enabled=false");
        p.add("eureka.client.enabled=false");
        p.add("spring.cloud.service-registry.auto-registration.enabled=false");
        instances(p, "mixed", refusedPort, ok.getAddress().getPort());
        instances(p, "mixedweb", refusedPort, ok.getAddress().getPort());
        instances(p, "dead", refusedPort);
        instances(p, "deadweb", refusedPort);
        instances(p, "draining", closing.getAddress().getPort(), ok.getAddress().getPort());
        context = new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.NONE)
                .properties(p.toArray(new String[0])).run();
        assertTrue(AdviceHarness.ERRORS.isEmpty(), AdviceHarness.ERRORS.toString());
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
        ok.stop(0);
        closing.stop(0);
        Lanes.install(null);
    }

    @BeforeEach
    void installEngine() {
        engine = Engine.install(null);
        OK_HITS.set(0);
        CLOSING_HITS.set(0);
    }

    @AfterEach
    void uninstall() {
        Lanes.install(null);
    }

    private static HttpServer server(AtomicInteger hits, boolean markClosing) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            hits.incrementAndGet();
            byte[] body = "served".getBytes(StandardCharsets.UTF_8);
            if (markClosing) {
                exchange.getResponseHeaders().add("x-lanes-closing", "true");
            }
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static void instances(List<String> p, String service, int... ports) {
        for (int i = 0; i < ports.length; i++) {
            p.add("spring.cloud.discovery.client.simple.instances." + service + "[" + i + "].uri=http://127.0.0.1:"
                    + ports[i]);
        }
    }

    private long attempts(String service) {
        return engine.outcomes.stream().filter(o -> o.service.equals(service)).count();
    }

    private static RestTemplate rest() {
        return context.getBean(RestTemplate.class);
    }

    @Test
    void aRefusedGetIsRetriedOnAnotherInstanceAndTheRefusingOneIsLeftOut() {
        for (int i = 0; i < 20; i++) {
            ResponseEntity<String> r = rest().exchange("http://mixed/x", HttpMethod.GET, null, String.class);
            assertEquals("served", r.getBody());
        }
        assertEquals(20, OK_HITS.get(), "every request served by the instance that listens");
        assertEquals(List.of("mixed@127.0.0.1:" + refusedPort), engine.closings, "the refusing instance, once");
        assertTrue(attempts("mixed") <= 21, "the refusing instance was tried at most once: " + engine.outcomes);
    }

    @Test
    void aRefusedCallIsRetriedOnceAtMostAndAPostNeverIs() {
        assertThrows(ResourceAccessException.class,
                () -> rest().exchange("http://dead/x", HttpMethod.GET, null, String.class));
        assertEquals(2, attempts("dead"), "a GET: the call and one retry");
        engine.outcomes.clear();
        assertThrows(ResourceAccessException.class,
                () -> rest().exchange("http://dead/x", HttpMethod.POST, null, String.class));
        assertEquals(1, attempts("dead"), "a POST is not retried");
        engine.outcomes.clear();
        assertThrows(ResourceAccessException.class,
                () -> rest().exchange("http://dead/x", HttpMethod.DELETE, null, String.class));
        assertEquals(2, attempts("dead"), "a DELETE is idempotent: retried once");
    }

    @Test
    void anAnswerMarkedClosingLeavesItsInstanceOutAndEvictsTheCachedList() {
        Cache cache = context.getBean(LoadBalancerCacheManager.class)
                .getCache(CachingServiceInstanceListSupplier.SERVICE_INSTANCE_CACHE_NAME);
        for (int i = 0; i < 10 && CLOSING_HITS.get() == 0; i++) {
            rest().exchange("http://draining/x", HttpMethod.GET, null, String.class);
        }
        assertEquals(1, CLOSING_HITS.get(), "the draining instance answered once");
        assertNotNull(cache, "LoadBalancer's default instance cache");
        assertNull(cache.get("draining"), "the service's cached instances were evicted");
        for (int i = 0; i < 10; i++) {
            assertEquals("served", rest().exchange("http://draining/x", HttpMethod.GET, null, String.class).getBody());
        }
        assertEquals(1, CLOSING_HITS.get(), "no call goes to the draining instance after its closing answer");
        assertEquals(List.of("draining@127.0.0.1:" + closing.getAddress().getPort()), engine.closings);
    }

    @Test
    void webClientRetriesARefusedGetOnceAndNeverAPost() {
        WebClient.Builder builder = context.getBean(WebClient.Builder.class);
        for (int i = 0; i < 10; i++) {
            String body = builder.build().get().uri("http://mixedweb/x").retrieve().bodyToMono(String.class)
                    .block(Duration.ofSeconds(10));
            assertEquals("served", body);
        }
        assertEquals(10, OK_HITS.get());
        assertEquals(List.of("mixedweb@127.0.0.1:" + refusedPort), engine.closings);

        engine.outcomes.clear();
        assertThrows(RuntimeException.class, () -> builder.build().get().uri("http://deadweb/x").retrieve()
                .bodyToMono(String.class).block(Duration.ofSeconds(10)));
        assertEquals(2, attempts("deadweb"), "a GET: the exchange and one retry");
        engine.outcomes.clear();
        assertThrows(RuntimeException.class, () -> builder.build().post().uri("http://deadweb/x").retrieve()
                .bodyToMono(String.class).block(Duration.ofSeconds(10)));
        assertEquals(1, attempts("deadweb"), "a POST is not retried");
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
