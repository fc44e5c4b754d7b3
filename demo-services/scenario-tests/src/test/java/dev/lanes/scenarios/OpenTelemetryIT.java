package dev.lanes.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.lanes.demo.runner.ChainClient;
import dev.lanes.demo.runner.ChainResponse;
import dev.lanes.demo.runner.DemoLine;
import dev.lanes.demo.runner.Hop;
import dev.lanes.demo.runner.InstanceSpec;
import dev.lanes.demo.runner.Registry;
import dev.lanes.demo.runner.ServiceProcess;
import dev.lanes.demo.runner.Topology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Lanes and the OpenTelemetry Java agent on the same JVMs (Dubbo 3.3 on Boot 3.5, JDK 17,
 * ZooKeeper). The chain is A -> O -> B => C, B calling C over Dubbo: A and c-base start with
 * {@code -javaagent:otel} before {@code -javaagent:lanes}, B and c-gray the other way round, and
 * O runs the OpenTelemetry agent only (no Lanes: it forwards no {@code x-lanes-tag}, only what
 * OpenTelemetry propagates). The one choice is B's Dubbo consumer's, between c-base and c-gray,
 * so B must find the lane in the W3C baggage that crossed O; C's server spans are Dubbo spans. Each request sends its own {@code traceparent}, so the spans the agents log
 * ({@code otel.traces.exporter=logging}) are found by trace id, and every hop's server span must
 * belong to that trace. In front of A, a Spring Cloud Gateway (WebFlux, 4.3) with both agents,
 * an entry that trusts no client: a lane a client forges in its baggage must not pass it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenTelemetryIT {

    /** Requests of each kind: each must take exactly the expected path. */
    private static final int REQUESTS = 6;
    private static final Duration SPAN_DEADLINE = Duration.ofSeconds(20);
    private static final String OTEL_FIRST = "otel,lanes";
    private static final String LANES_FIRST = "lanes,otel";
    /** A span line of OpenTelemetry's logging exporter: name, trace id, span id, kind, then its attributes. */
    private static final Pattern SPAN = Pattern.compile(
            "LoggingSpanExporter - '([^']*)' : ([0-9a-f]{32}) ([0-9a-f]{16}) (SERVER|CLIENT|INTERNAL|PRODUCER|CONSUMER)"
                    + " .*AttributesMap\\{data=\\{(.*)\\}, capacity=");

    private Topology topology;
    /** Spring Cloud Gateway 4.3 (WebFlux) in front of A, OpenTelemetry then Lanes. */
    private ServiceProcess gateway;
    private final ChainClient http = new ChainClient();
    private final Map<String, String> orderOf = new LinkedHashMap<>();

    @RegisterExtension
    final TestWatcher dumpLogsOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (topology != null) {
                System.err.println("[scenarios] OpenTelemetryIT failed; logs of every process follow");
                topology.dumpLogs();
            }
        }
    };

    @BeforeAll
    void start() throws IOException {
        Jdk jdk = Jdk.find(17);
        assumeTrue(jdk != null, () -> "OpenTelemetryIT skipped: no JDK 17 found at " + Jdk.lookedAt(17));
        Path otel = otelAgentJar();
        Path lanes = LaneScenarios.agentJar();
        Path work = Paths.get("target", "scenarios", "OpenTelemetryIT").toAbsolutePath();
        Files.createDirectories(work);
        Path rules = work.resolve("rules.yaml");
        // A's ingress rule: a request with x-dye is dyed gray there (lanes.dyed_by=rule).
        Files.writeString(rules, """
                lanes:
                  - name: gray
                    tag: gray
                    entry:
                      match: {headers: {x-dye: {exact: "yes"}}}
                      services: [service-a]
                """);
        long began = System.nanoTime();
        topology = Topology.builder()
                .line(DemoLine.DUBBO33)
                .java(jdk.home())
                .registry(Registry.Kind.ZOOKEEPER)
                .workDir(work)
                .instance(both("a-base", "service-a", "service-o", null, OTEL_FIRST, otel, lanes,
                        "-Dlanes.rules=file:" + rules))
                .instance(otelOnly("o-base", "service-o", "service-b", otel))
                .instance(both("b-base", "service-b", InstanceSpec.DUBBO_NEXT_PREFIX + "service-c", null,
                        LANES_FIRST, otel, lanes))
                .instance(both("c-base", "service-c", "", null, OTEL_FIRST, otel, lanes)
                        .withAppArgs(InstanceSpec.DUBBO_PROVIDER_ARG))
                .instance(both("c-gray", "service-c", "", "gray", LANES_FIRST, otel, lanes)
                        .withAppArgs(InstanceSpec.DUBBO_PROVIDER_ARG))
                .startTimeout(Duration.ofSeconds(240))
                .start();
        Path gatewayJar = DemoLine.repositoryRoot().resolve("demo-services/gateway-app/boot35/target/gateway-app.jar");
        assumeTrue(Files.isRegularFile(gatewayJar), "build demo-services/gateway-app first: " + gatewayJar);
        InstanceSpec gw = both("gw-base", "gateway", "", null, OTEL_FIRST, otel, lanes, "-Dlanes.rules=file:" + rules);
        gateway = ServiceProcess.start(topology.launch().withAppJar(gatewayJar), new InstanceSpec(gw.name(),
                gw.service(), gw.next(), null, gw.jvmArgs(), List.of("--demo.direct-uri=" + topology.url("a-base"))),
                topology.registry(), work);
        // Spring Cloud discovery is ready; B's Dubbo consumer learns both providers of C on its own.
        awaitDubboProvider(Map.of(), "c-base");
        awaitDubboProvider(Map.of("x-lanes-tag", "gray"), "c-gray");
        awaitGateway();
        ScenarioReport.line("OpenTelemetryIT: 6 JVMs with the OpenTelemetry Java agent " + otelVersion()
                + " started in " + LaneScenarios.seconds(System.nanoTime() - began) + " s");
    }

    /** Until the gateway proxies a request through the whole chain (it listens before it routes). */
    private void awaitGateway() {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        String last = "no answer";
        while (true) {
            assertTrue(gateway.isAlive(), "the gateway exited: " + gateway.logText());
            try {
                ChainResponse r = http.get(gateway.baseUrl(), Map.of());
                if (r.ok() && r.hops().size() == 4) {
                    return;
                }
                last = r.status() + " " + r.body();
            } catch (IllegalStateException notListening) {
                last = notListening.getMessage();
            }
            assertTrue(System.nanoTime() < deadline, "the gateway did not route within 120 s: " + last);
            RulesFile.sleep(300);
        }
    }

    private void awaitDubboProvider(Map<String, String> headers, String provider) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            ChainResponse r = http.get(topology.url("b-base"), headers);
            if (r.ok() && r.hops().stream().anyMatch(h -> h.instance().equals(provider))) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "B's Dubbo consumer never reached " + provider + ": " + r.body());
            RulesFile.sleep(200);
        }
    }

    private InstanceSpec both(String name, String service, String next, String tag, String order, Path otel,
            Path lanes, String... more) {
        List<String> args = new ArrayList<>();
        for (String agent : order.split(",")) {
            args.add("-javaagent:" + (agent.equals("otel") ? otel : lanes));
        }
        args.addAll(otelSettings(service));
        args.addAll(List.of(more));
        orderOf.put(name, order);
        return new InstanceSpec(name, service, next, tag, args, List.of());
    }

    private InstanceSpec otelOnly(String name, String service, String next, Path otel) {
        List<String> args = new ArrayList<>();
        args.add("-javaagent:" + otel);
        args.addAll(otelSettings(service));
        orderOf.put(name, "otel");
        return new InstanceSpec(name, service, next, null, args, List.of());
    }

    private static List<String> otelSettings(String service) {
        return List.of("-Dotel.service.name=" + service, "-Dotel.traces.exporter=logging",
                "-Dotel.metrics.exporter=none", "-Dotel.logs.exporter=none");
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (gateway != null) {
            ServiceProcess.stopAll(List.of(gateway));
        }
        if (topology != null) {
            topology.close();
        }
    }

    @Test
    void bothAgentsAreThereInTheOrderGiven() {
        for (ServiceProcess instance : topology.instances()) {
            String order = orderOf.get(instance.name());
            String command = String.join(" ", instance.command());
            int o = command.indexOf("-javaagent:" + otelAgentJar());
            int l = command.indexOf("-javaagent:" + LaneScenarios.agentJar());
            assertTrue(o >= 0, instance.name() + " runs the OpenTelemetry agent");
            switch (order) {
                case OTEL_FIRST -> assertTrue(l > o, instance.name() + ": otel before lanes");
                case LANES_FIRST -> assertTrue(l >= 0 && l < o, instance.name() + ": lanes before otel");
                default -> assertTrue(l < 0, instance.name() + ": no Lanes");
            }
            String log = instance.logText();
            assertTrue(log.contains("opentelemetry-javaagent - version: " + otelVersion()), instance.name()
                    + " started the OpenTelemetry agent " + otelVersion());
            assertEquals(l >= 0, log.contains("[lanes] INFO"), instance.name() + " started Lanes, or has none");
        }
    }

    @Test
    void untaggedTrafficStaysInBaseAndItsSpansCarryNoLane() {
        for (int i = 0; i < REQUESTS; i++) {
            Served served = serve(Map.of());
            assertEquals(List.of("a-base", "o-base", "b-base", "c-base"), served.path(), served.body());
            served.assertOneTrace();
            for (SpanLine span : served.spans().values()) {
                assertFalse(span.hasLanesAttribute(), "no lane on " + span);
            }
        }
    }

    @Test
    void baggageAloneRoutesGrayAcrossAHopWithoutLanes() {
        for (int i = 0; i < REQUESTS; i++) {
            Served served = serve(Map.of("baggage", "lanes.tag=gray"));
            assertEquals(List.of("a-base", "o-base", "b-base", "c-gray"), served.path(), served.body());
            served.assertOneTrace();
            served.assertLane("a-base", "gray", "carried");
            served.assertLane("b-base", "gray", "carried");
            // C's server span is OpenTelemetry's Dubbo span, which starts after Lanes' provider filter.
            assertTrue(served.spans().get("c-gray").name().contains("ChainService/chain"), served.spans().toString());
            served.assertLane("c-gray", "gray", "carried");
            assertFalse(served.spans().get("o-base").hasLanesAttribute(), "O has no Lanes");
            assertEquals(List.of("lanes.tag=gray"), served.hop("c-gray").seenBaggage(), "the Dubbo baggage attachment");
            // What crossed O on the wire: B saw no x-lanes-tag, one baggage line with the lane.
            Hop b = served.hop("b-base");
            assertEquals(null, b.seenTag(), "O does not forward x-lanes-tag");
            assertEquals(List.of("lanes.tag=gray"), b.seenBaggage());
        }
    }

    @Test
    void theLanesHeaderAloneRoutesGrayAndLanesWritesTheBaggageThatCrossesO() {
        for (int i = 0; i < REQUESTS; i++) {
            Served served = serve(Map.of("x-lanes-tag", "gray"));
            assertEquals(List.of("a-base", "o-base", "b-base", "c-gray"), served.path(), served.body());
            served.assertOneTrace();
            served.assertLane("a-base", "gray", "carried");
            served.assertLane("b-base", "gray", "carried");
            Hop o = served.hop("o-base");
            assertEquals("gray", o.seenTag());
            assertEquals(List.of("lanes.tag=gray"), o.seenBaggage(), "one baggage line, written by Lanes at A");
            assertEquals(List.of("lanes.tag=gray"), served.hop("b-base").seenBaggage());
            Hop c = served.hop("c-gray");
            assertEquals("gray", c.seenTag());
            assertEquals(1, c.seenBaggage().size(), "one baggage line: " + c.seenBaggage());
        }
    }

    @Test
    void otherBaggageMembersAndTheLaneTravelTogether() {
        for (int i = 0; i < REQUESTS; i++) {
            Served served = serve(Map.of("x-lanes-tag", "gray", "baggage", "user=7"));
            assertEquals(List.of("a-base", "o-base", "b-base", "c-gray"), served.path(), served.body());
            served.assertOneTrace();
            for (String name : List.of("o-base", "b-base", "c-gray")) {
                List<String> baggage = served.hop(name).seenBaggage();
                assertEquals(1, baggage.size(), name + ": one baggage line: " + baggage);
                assertTrue(baggage.get(0).contains("user=7") && baggage.get(0).contains("lanes.tag=gray"),
                        name + " got both members: " + baggage);
            }
        }
    }

    @Test
    void aRuleDyesAtTheEntryAndTheSpanSaysSo() {
        for (int i = 0; i < REQUESTS; i++) {
            Served served = serve(Map.of("x-dye", "yes"));
            assertEquals(List.of("a-base", "o-base", "b-base", "c-gray"), served.path(), served.body());
            served.assertOneTrace();
            served.assertLane("a-base", "gray", "rule");
            served.assertLane("b-base", "gray", "carried");
            served.assertLane("c-gray", "gray", "carried");
        }
    }

    @Test
    void anUntaggedRequestEnteringATaggedInstanceIsDyedByTheNode() {
        for (int i = 0; i < REQUESTS; i++) {
            Served served = serve("c-gray", Map.of());
            assertEquals(List.of("c-gray"), served.path(), served.body());
            served.assertOneTrace();
            served.assertLane("c-gray", "gray", "node");
        }
    }

    @Test
    void aLaneForgedInBaggageDoesNotPassAGatewayThatRunsBothAgents() {
        for (int i = 0; i < REQUESTS; i++) {
            // The gateway trusts no client: the member is dropped from the proxied request, and
            // the OpenTelemetry agent's client must not write it back from its own baggage.
            String traceId = hex(32);
            ChainResponse r = http.get(gateway.baseUrl(), Map.of("baggage", "lanes.tag=gray,user=7",
                    "traceparent", "00-" + traceId + "-" + hex(16) + "-01"));
            assertTrue(r.ok(), r.body());
            assertEquals(List.of("a-base", "o-base", "b-base", "c-base"), r.hops().stream().map(Hop::instance).toList(),
                    r.body());
            Hop a = r.hops().get(0);
            assertEquals(null, a.seenTag(), r.body());
            assertEquals(List.of("user=7"), a.seenBaggage(), "A got the client's other member, not the lane");
        }
        String log = gateway.logText();
        assertTrue(log.contains("opentelemetry-javaagent - version: " + otelVersion()), "the gateway runs OpenTelemetry");
        for (String line : log.split("\n")) {
            assertFalse(line.contains("[lanes] ERROR") || line.contains("[lanes]") && line.contains("fault"),
                    "gateway: " + line);
        }
    }

    @Test
    void neitherAgentReportsAnError() {
        serve(Map.of("baggage", "lanes.tag=gray"));
        for (ServiceProcess instance : topology.instances()) {
            for (String line : instance.logText().split("\n")) {
                assertFalse(line.contains("[lanes] ERROR") || line.contains("[lanes] WARN"),
                        instance.name() + ": " + line);
                assertFalse(line.startsWith("[otel.javaagent") && (line.contains(" ERROR ") || line.contains(" WARN ")),
                        instance.name() + ": " + line);
            }
        }
    }

    // ------------------------------------------------------------------------------------------

    /** One request with a fresh trace id: the path it took, and every hop's server span. */
    private Served serve(Map<String, String> headers) {
        return serve("a-base", headers);
    }

    private Served serve(String entry, Map<String, String> headers) {
        String traceId = hex(32);
        Map<String, String> sent = new HashMap<>(headers);
        sent.put("traceparent", "00-" + traceId + "-" + hex(16) + "-01");
        ChainResponse response = http.get(topology.url(entry), sent);
        assertTrue(response.ok(), response.body());
        List<String> path = response.hops().stream().map(Hop::instance).toList();
        Map<String, SpanLine> spans = new LinkedHashMap<>();
        long deadline = System.nanoTime() + SPAN_DEADLINE.toNanos();
        for (String name : path) {
            while (true) {
                SpanLine span = serverSpan(topology.instance(name), traceId);
                if (span != null) {
                    spans.put(name, span);
                    break;
                }
                assertTrue(System.nanoTime() < deadline, name + " logged no server span of trace " + traceId);
                RulesFile.sleep(100);
            }
        }
        return new Served(response, path, traceId, spans);
    }

    private static SpanLine serverSpan(ServiceProcess instance, String traceId) {
        for (String line : instance.logText().split("\n")) {
            if (!line.contains(traceId)) {
                continue;
            }
            Matcher m = SPAN.matcher(line);
            if (m.find() && m.group(2).equals(traceId) && m.group(4).equals("SERVER")) {
                return new SpanLine(m.group(1), m.group(2), m.group(3), m.group(5));
            }
        }
        return null;
    }

    private static String hex(int digits) {
        StringBuilder s = new StringBuilder();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (s.length() < digits) {
            s.append(Character.forDigit(random.nextInt(16), 16));
        }
        if (s.chars().allMatch(c -> c == '0')) {
            s.setCharAt(0, '1'); // an all-zero id is invalid
        }
        return s.toString();
    }

    static Path otelAgentJar() {
        String configured = System.getProperty("lanes.otel.agent.jar");
        assumeTrue(configured != null && Files.isRegularFile(Paths.get(configured)),
                () -> "OpenTelemetryIT skipped: no OpenTelemetry agent jar at " + configured
                        + " (the scenario-tests build copies it to target/otel)");
        return Paths.get(configured).toAbsolutePath().normalize();
    }

    static String otelVersion() {
        return System.getProperty("lanes.otel.agent.version", "unknown");
    }

    record SpanLine(String name, String traceId, String spanId, String attributes) {

        /** An attribute named lanes.*; not a value that has the word (a Dubbo span's rpc.service=dev.lanes...). */
        boolean hasLanesAttribute() {
            return Pattern.compile("(^|, )lanes\\.").matcher(attributes).find();
        }
    }

    record Served(ChainResponse response, List<String> path, String traceId, Map<String, SpanLine> spans) {

        String body() {
            return response.body();
        }

        Hop hop(String instance) {
            return response.hops().stream().filter(h -> h.instance().equals(instance)).findFirst()
                    .orElseThrow(() -> new AssertionError("no hop " + instance + " in " + response.body()));
        }

        /** Every hop's server span is in the request's trace: the context crossed every hop. */
        void assertOneTrace() {
            assertEquals(path.size(), spans.size(), "a server span per hop: " + spans);
            for (Map.Entry<String, SpanLine> e : spans.entrySet()) {
                assertEquals(traceId, e.getValue().traceId(), e.getKey());
                assertTrue(e.getValue().name().contains("/chain"), e.getKey() + ": " + e.getValue());
            }
        }

        void assertLane(String instance, String tag, String dyedBy) {
            String attributes = spans.get(instance).attributes();
            assertTrue(attributes.contains("lanes.tag=" + tag), instance + ": lanes.tag=" + tag + " in " + attributes);
            assertTrue(attributes.contains("lanes.dyed_by=" + dyedBy),
                    instance + ": lanes.dyed_by=" + dyedBy + " in " + attributes);
        }
    }
}
