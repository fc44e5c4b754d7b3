package dev.lanes.plugin.springcloud.web.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.sun.net.httpserver.Headers;
import dev.lanes.bridge.CarriedHeaders;
import dev.lanes.bridge.Lanes;
import dev.lanes.bridge.TrafficContext;
import dev.lanes.plugin.springcloud.Engine;
import dev.lanes.plugin.springcloud.web.HeaderRecorder;
import dev.lanes.plugin.springcloud.web.SpringWebPlugin;
import dev.lanes.plugin.springcloud.web.common.InboundTags;
import dev.lanes.testing.InstrumentationHarness;
import feign.Feign;
import feign.RequestLine;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.util.context.Context;

/** Outbound calls of real clients to a real downstream carry the tag exactly when there is one. */
class ClientInstrumentationTest {

    private static HeaderRecorder downstream;

    @BeforeAll
    static void start() throws Exception {
        InstrumentationHarness.install(new SpringWebPlugin());
        downstream = new HeaderRecorder();
    }

    @AfterAll
    static void stop() {
        downstream.close();
    }

    @AfterEach
    void clear() {
        TrafficContext.restore(null);
    }

    private static <V> V tagged(String tag, Callable<V> call) throws Exception {
        String previous = TrafficContext.attach(tag);
        try {
            return call.call();
        } finally {
            TrafficContext.restore(previous);
        }
    }

    @Test
    void restTemplateCarriesTheTagOnlyWhenThereIsOne() throws Exception {
        RestTemplate rest = new RestTemplate();
        tagged("gray", () -> rest.getForObject(downstream.url("/rt"), String.class));
        Headers wire = downstream.next();
        assertEquals("gray", HeaderRecorder.values(wire, "x-lanes-tag"));
        assertEquals("lanes.tag=gray", HeaderRecorder.values(wire, "baggage"));

        rest.getForObject(downstream.url("/rt"), String.class);
        wire = downstream.next();
        assertNull(HeaderRecorder.values(wire, "x-lanes-tag"));
        assertNull(HeaderRecorder.values(wire, "baggage"));
    }

    @Test
    void restTemplateInterceptorsSeeTheTagAndTheApplicationsHeaderWins() throws Exception {
        RestTemplate rest = new RestTemplate();
        AtomicReference<String> seenByInterceptor = new AtomicReference<>();
        rest.getInterceptors().add((request, body, execution) -> {
            seenByInterceptor.set(request.getHeaders().getFirst("x-lanes-tag"));
            return execution.execute(request, body);
        });
        tagged("gray", () -> rest.getForObject(downstream.url("/rt"), String.class));
        assertEquals("gray", seenByInterceptor.get(), "interceptors (the load balancer's) see the tag");
        assertEquals("gray", HeaderRecorder.values(downstream.next(), "x-lanes-tag"));

        HttpHeaders own = new HttpHeaders();
        own.set("X-Lanes-Tag", "dev1");
        own.set("baggage", "userId=42");
        tagged("gray", () -> rest.exchange(downstream.url("/rt"), HttpMethod.GET, new HttpEntity<>(own), String.class));
        Headers wire = downstream.next();
        assertEquals("dev1", HeaderRecorder.values(wire, "x-lanes-tag"));
        assertEquals("userId=42,lanes.tag=dev1", HeaderRecorder.values(wire, "baggage"));
    }

    @Test
    void webClientTakesTheTagFromTheReactorContextElseTheSubscribingThread() throws Exception {
        WebClient client = WebClient.create(downstream.url(""));

        tagged("gray", () -> client.get().uri("/wc").retrieve().bodyToMono(String.class).block());
        assertEquals("gray", HeaderRecorder.values(downstream.next(), "x-lanes-tag"));

        client.get().uri("/wc").retrieve().bodyToMono(String.class)
                .contextWrite(Context.of(InboundTags.KEY, "blue"))
                .block();
        Headers wire = downstream.next();
        assertEquals("blue", HeaderRecorder.values(wire, "x-lanes-tag"));
        assertEquals("lanes.tag=blue", HeaderRecorder.values(wire, "baggage"));

        tagged("gray", () -> client.get().uri("/wc").retrieve().bodyToMono(String.class)
                .contextWrite(Context.of(InboundTags.KEY, "blue")).block());
        assertEquals("blue", HeaderRecorder.values(downstream.next(), "x-lanes-tag"), "the request's context wins");

        client.get().uri("/wc").retrieve().bodyToMono(String.class).block();
        assertNull(HeaderRecorder.values(downstream.next(), "x-lanes-tag"));

        tagged("gray", () -> client.get().uri("/wc").header("x-lanes-tag", "dev1")
                .retrieve().bodyToMono(String.class).block());
        assertEquals("dev1", HeaderRecorder.values(downstream.next(), "x-lanes-tag"));
    }

    @Test
    void theWebClientFilterIsRegisteredOnceAndFirst() throws Exception {
        ExchangeFilterFunction applicationFilter = (request, next) -> next.exchange(request);
        WebClient.Builder builder = WebClient.builder().filter(applicationFilter);
        builder.build();
        WebClient mutated = builder.build().mutate().build();
        AtomicInteger ours = new AtomicInteger();
        AtomicReference<ExchangeFilterFunction> first = new AtomicReference<>();
        builder.filters((List<ExchangeFilterFunction> filters) -> {
            first.set(filters.get(0));
            for (ExchangeFilterFunction filter : filters) {
                if (filter == WebClientHelper.FILTER) {
                    ours.incrementAndGet();
                }
            }
        });
        assertEquals(1, ours.get());
        assertEquals(WebClientHelper.FILTER, first.get());

        tagged("gray", () -> mutated.get().uri(downstream.url("/wc")).retrieve().bodyToMono(String.class).block());
        assertEquals("gray", HeaderRecorder.values(downstream.next(), "x-lanes-tag"));
    }

    /** A Feign client of the downstream. */
    interface Downstream {
        @RequestLine("GET /feign")
        String call();
    }

    @Test
    void feignCarriesTheTagOnlyWhenThereIsOne() throws Exception {
        Downstream feign = Feign.builder().target(Downstream.class, downstream.url(""));
        tagged("gray", feign::call);
        Headers wire = downstream.next();
        assertEquals("gray", HeaderRecorder.values(wire, "x-lanes-tag"));
        assertEquals("lanes.tag=gray", HeaderRecorder.values(wire, "baggage"));

        feign.call();
        assertNull(HeaderRecorder.values(downstream.next(), "x-lanes-tag"));

        Downstream withOwnHeader = Feign.builder()
                .requestInterceptor(template -> template.header("X-Lanes-Tag", "dev1"))
                .target(Downstream.class, downstream.url(""));
        tagged("gray", withOwnHeader::call);
        assertEquals("dev1", HeaderRecorder.values(downstream.next(), "x-lanes-tag"));
    }

    private static <V> V carrying(String tag, String env, Callable<V> call) throws Exception {
        Object previous = TrafficContext.enter(TrafficContext.state(tag, CarriedHeaders.of("x-env", env)));
        try {
            return call.call();
        } finally {
            TrafficContext.exit(previous);
        }
    }

    @Test
    void everyClientCarriesTheHeadersNextToTheTagAndKeepsTheApplicationsOwnValue() throws Exception {
        RestTemplate rest = new RestTemplate();
        carrying(null, "dev 1", () -> rest.getForObject(downstream.url("/rt"), String.class));
        Headers wire = downstream.next();
        assertEquals("dev 1", HeaderRecorder.values(wire, "x-env"));
        assertEquals("lanes.h.x-env=dev%201", HeaderRecorder.values(wire, "baggage"));
        assertNull(HeaderRecorder.values(wire, "x-lanes-tag"), "headers travel without a tag");

        HttpHeaders own = new HttpHeaders();
        own.set("X-Env", "mine");
        carrying("gray", "dev1", () -> rest.exchange(downstream.url("/rt"), HttpMethod.GET, new HttpEntity<>(own),
                String.class));
        wire = downstream.next();
        assertEquals("mine", HeaderRecorder.values(wire, "x-env"), "the application's value stays");
        assertEquals("lanes.tag=gray", HeaderRecorder.values(wire, "baggage"));

        WebClient client = WebClient.create(downstream.url(""));
        carrying("gray", "dev1", () -> client.get().uri("/wc").retrieve().bodyToMono(String.class).block());
        wire = downstream.next();
        assertEquals("dev1", HeaderRecorder.values(wire, "x-env"));
        assertEquals("lanes.tag=gray,lanes.h.x-env=dev1", HeaderRecorder.values(wire, "baggage"));
        Object state = TrafficContext.state("blue", CarriedHeaders.of("x-env", "qa"));
        client.get().uri("/wc").retrieve().bodyToMono(String.class).contextWrite(Context.of(InboundTags.KEY, state))
                .block();
        wire = downstream.next();
        assertEquals("qa", HeaderRecorder.values(wire, "x-env"), "from the Reactor context of the request");
        assertEquals("blue", HeaderRecorder.values(wire, "x-lanes-tag"));

        Downstream feign = Feign.builder().target(Downstream.class, downstream.url(""));
        carrying("gray", "dev1", feign::call);
        wire = downstream.next();
        assertEquals("dev1", HeaderRecorder.values(wire, "x-env"));
        assertEquals("gray", HeaderRecorder.values(wire, "x-lanes-tag"));

        rest.getForObject(downstream.url("/rt"), String.class);
        feign.call();
        client.get().uri("/wc").retrieve().bodyToMono(String.class).block();
        for (int i = 0; i < 3; i++) {
            assertNull(HeaderRecorder.values(downstream.next(), "x-env"), "a call that carries nothing adds nothing");
        }
    }

    @Test
    void workOutsideAnyRequestOnATaggedInstanceCarriesTheInstancesTag() throws Exception {
        Engine.install("gray");
        try {
            new RestTemplate().getForObject(downstream.url("/rt"), String.class);
            assertEquals("gray", HeaderRecorder.values(downstream.next(), "x-lanes-tag"));
            WebClient.create(downstream.url("")).get().uri("/wc").retrieve().bodyToMono(String.class).block();
            assertEquals("gray", HeaderRecorder.values(downstream.next(), "x-lanes-tag"));
            Feign.builder().target(Downstream.class, downstream.url("")).call();
            assertEquals("gray", HeaderRecorder.values(downstream.next(), "x-lanes-tag"));
            tagged("blue", () -> new RestTemplate().getForObject(downstream.url("/rt"), String.class));
            assertEquals("blue", HeaderRecorder.values(downstream.next(), "x-lanes-tag"), "a request's tag wins");
        } finally {
            Lanes.install(null);
        }
        new RestTemplate().getForObject(downstream.url("/rt"), String.class);
        assertNull(HeaderRecorder.values(downstream.next(), "x-lanes-tag"), "a base instance's own work: no tag");
    }
}
