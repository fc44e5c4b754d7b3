package dev.lanes.plugin.springcloud.web.webflux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

import com.sun.net.httpserver.Headers;
import dev.lanes.bridge.CarriedHeaders;
import dev.lanes.bridge.TrafficContext;
import dev.lanes.plugin.springcloud.web.HeaderRecorder;
import dev.lanes.plugin.springcloud.web.SpringWebPlugin;
import dev.lanes.plugin.springcloud.web.common.InboundTags;
import dev.lanes.testing.InstrumentationHarness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.config.EnableWebFlux;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * A real WebFlux server (Reactor Netty, one event-loop thread, so every request runs on the
 * same thread): controllers and handler functions see the request's tag on the thread, a
 * WebClient call subscribed after the handler returned carries it through the Reactor context,
 * and an untagged request on the same thread sees none.
 */
class WebFluxInstrumentationTest {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static HeaderRecorder downstream;
    private static AnnotationConfigApplicationContext context;
    private static LoopResources loop;
    private static DisposableServer server;

    /** An annotated controller. */
    @RestController
    public static class TagController {
        @GetMapping("/tag")
        public String tag() {
            return String.valueOf(TrafficContext.tag());
        }

        /** The carried x-env on the handler's thread. */
        @GetMapping("/env")
        public String env() {
            CarriedHeaders carried = TrafficContext.headers();
            return carried == null ? "none" : carried.get("x-env");
        }

        @GetMapping("/context")
        public Mono<String> context() {
            return Mono.deferContextual(view -> {
                Object tag = view.getOrDefault(InboundTags.KEY, null);
                return Mono.just(String.valueOf(tag));
            });
        }

        /** The WebClient call is subscribed by the framework after this method returned. */
        @GetMapping("/call")
        public Mono<String> call() {
            return WebClient.create(downstream.url("/from-webflux")).get().retrieve().bodyToMono(String.class);
        }
    }

    @Configuration
    @EnableWebFlux
    static class FluxConfig {
        @Bean
        TagController tagController() {
            return new TagController();
        }

        @Bean
        RouterFunction<ServerResponse> functions() {
            return route(GET("/fn"), request -> ServerResponse.ok().bodyValue("fn:" + TrafficContext.tag()));
        }
    }

    @BeforeAll
    static void start() throws Exception {
        InstrumentationHarness.install(new SpringWebPlugin());
        downstream = new HeaderRecorder();
        context = new AnnotationConfigApplicationContext(FluxConfig.class);
        loop = LoopResources.create("lanes-test", 1, true);
        server = HttpServer.create().host("127.0.0.1").port(0).runOn(loop)
                .handle(new ReactorHttpHandlerAdapter(WebHttpHandlerBuilder.applicationContext(context).build()))
                .bindNow();
    }

    @AfterAll
    static void stop() {
        server.disposeNow();
        loop.dispose();
        context.close();
        downstream.close();
        InstrumentationHarness.install(new SpringWebPlugin()).assertNoErrors();
    }

    private static String get(String path, String tag) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (tag != null) {
            request.header("x-lanes-tag", tag);
        }
        HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    @Test
    void controllersSeeTheTagOnTheThreadAndNothingLeaks() throws Exception {
        assertEquals("gray", get("/tag", "gray"));
        assertEquals("null", get("/tag", null), "the same event-loop thread, no tag left");
        assertEquals("blue", get("/tag", "blue"));
    }

    @Test
    void handlerFunctionsSeeTheTag() throws Exception {
        assertEquals("fn:gray", get("/fn", "gray"));
        assertEquals("fn:null", get("/fn", null));
    }

    @Test
    void theReactorContextCarriesTheTag() throws Exception {
        assertEquals("gray", get("/context", "gray"));
        assertEquals("null", get("/context", null));
    }

    @Test
    void aWebClientCallCarriesTheInboundTagThroughTheReactorContext() throws Exception {
        get("/call", "gray");
        assertEquals("gray", HeaderRecorder.values(downstream.next(), "x-lanes-tag"));
        get("/call", null);
        assertNull(HeaderRecorder.values(downstream.next(), "x-lanes-tag"));
    }

    @Test
    void carriedHeadersReachTheHandlerAndTheWebClientCallsItMakes() throws Exception {
        CarriedHeaders.propagate(new String[] {"x-env"});
        try {
            assertEquals("dev1", send(builder("/env").header("x-env", "dev1")));
            assertEquals("none", send(builder("/env")), "the same event-loop thread, nothing left");
            send(builder("/call").header("x-env", "dev1"));
            Headers wire = downstream.next();
            assertEquals("dev1", HeaderRecorder.values(wire, "x-env"));
            assertNull(HeaderRecorder.values(wire, "x-lanes-tag"));
            send(builder("/call"));
            assertNull(HeaderRecorder.values(downstream.next(), "x-env"));
        } finally {
            CarriedHeaders.propagate(null);
        }
    }

    private static HttpRequest.Builder builder(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    }

    private static String send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }
}
