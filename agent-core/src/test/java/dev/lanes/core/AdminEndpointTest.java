package dev.lanes.core;

import dev.lanes.bridge.InstanceView;
import dev.lanes.core.admin.AdminServer;
import dev.lanes.core.config.AgentConfig;
import dev.lanes.core.routing.LaneMetrics;
import dev.lanes.core.routing.LaneRouter;
import dev.lanes.core.rules.RuleParser;
import dev.lanes.core.rules.RuleSnapshot;
import dev.lanes.core.rules.RuleStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin endpoint over a real engine: {@code GET /lanes/explain}, the decision over the
 * instances it last routed among, and {@code GET /lanes/metrics}, its counters for Prometheus.
 */
class AdminEndpointTest {

    private static final InstanceView<String> VIEW = new InstanceView<String>() {
        @Override
        public String tag(String instance) {
            return instance.startsWith("gray") ? "gray" : null;
        }

        @Override
        public long startMillis(String instance) {
            return -1;
        }

        @Override
        public String address(String instance) {
            return "10.0.0." + instance.substring(instance.length() - 1) + ":80";
        }
    };

    private AdminServer admin;
    private LaneRouter router;

    @BeforeEach
    void start() throws Exception {
        RuleSnapshot rules = RuleParser.parse(String.join("\n",
                "lanes:",
                "  - name: gray",
                "    tag: gray",
                "    entry: {match: {headers: {x-user: {exact: '42'}}}}",
                "routes:",
                "  - {service: stock, match: {headers: {x-env: {exact: base}}}, to: {tag: base}}",
                ""), "test");
        router = new LaneRouter("orders", null, () -> rules, new LaneMetrics(), System::currentTimeMillis);
        AgentState state = new AgentState("test", "orders", null, false, 0L,
                AgentConfig.resolve("", new Properties(), new HashMap<>()), Collections.emptyList(), new RuleStore(),
                router.metrics(), router, null);
        admin = AdminServer.start(0, state);
    }

    @AfterEach
    void stop() {
        admin.stop();
    }

    private HttpResponse<String> get(String query) throws Exception {
        return fetch("/lanes/explain?" + query);
    }

    private HttpResponse<String> fetch(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + admin.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTheCountersInThePrometheusTextFormat() throws Exception {
        List<String> stock = List.of("base1", "gray2");
        router.inbound(null, dev.lanes.core.routing.DescribedRequest.of().header("x-user", "42"));
        router.eligible("stock", stock, VIEW, "gray", null, null);
        router.completed("stock", "10.0.0.2:80", false, "gray", "gray", 2_000_000L);

        HttpResponse<String> page = fetch("/lanes/metrics");
        assertEquals(200, page.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", page.headers().firstValue("Content-Type").orElse(""));
        String text = page.body();
        assertTrue(text.contains("lanes_inbound_requests_total{lane=\"gray\",dyed_by=\"rule\"} 1"), text);
        assertTrue(text.contains("lanes_outbound_calls_total{service=\"stock\",lane=\"gray\",outcome=\"routed\"} 1"),
                text);
        assertTrue(text.contains("lanes_calls_total{service=\"stock\",lane=\"gray\",instance_tag=\"gray\","
                + "result=\"error\"} 1"), text);
        assertTrue(text.contains("lanes_rules_info{version=\""), text);
        // Every sample line is a name, optional labels and a number: what a Prometheus scrape parses.
        for (String line : text.split("\n")) {
            assertTrue(line.startsWith("# HELP ") || line.startsWith("# TYPE ")
                    || line.matches("[a-z_]+(\\{[^}]*\\})? -?[0-9.E+-]+"), "not a sample line: " + line);
        }
    }

    @Test
    void explainsOverTheInstancesTheEngineLastSaw() throws Exception {
        List<String> stock = List.of("base1", "gray2", "base3");
        // The framework hands the engine the same list call after call (a grouping is kept from the second).
        router.eligible("stock", stock, VIEW, null, null, null);
        router.eligible("stock", stock, VIEW, null, null, null);

        HttpResponse<String> dyed = get("service=stock&header.x-user=42");
        assertEquals(200, dyed.statusCode(), dyed.body());
        assertTrue(dyed.body().contains("\"source\": \"ingress\""), dyed.body());
        assertTrue(dyed.body().contains("\"target\": \"gray\""), dyed.body());
        assertTrue(dyed.body().replaceAll("\\s+", "")
                .contains("\"address\":\"10.0.0.2:80\",\"tag\":\"gray\",\"eligible\":true"), dyed.body());

        HttpResponse<String> routed = get("service=stock&tag=gray&header.x-env=base");
        assertTrue(routed.body().contains("\"source\": \"carried\""), routed.body());
        assertTrue(routed.body().contains("\"tagSource\": \"route\""), routed.body());
        assertTrue(routed.body().contains("\"target\": \"base\""), routed.body());

        HttpResponse<String> unseen = get("service=payment");
        assertTrue(unseen.body().contains("no call to 'payment' routed yet"), unseen.body());
    }

    @Test
    void refusesWhatItCannotRead() throws Exception {
        HttpResponse<String> unknown = get("service=stock&colour=red");
        assertEquals(400, unknown.statusCode());
        assertTrue(unknown.body().contains("unknown parameter 'colour'"), unknown.body());
        HttpResponse<String> badArg = get("arg.first=1");
        assertEquals(400, badArg.statusCode());
        assertTrue(badArg.body().contains("arg.N"), badArg.body());
    }
}
