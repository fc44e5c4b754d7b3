package dev.lanes.core.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.bridge.RequestView;
import dev.lanes.core.rules.RuleParser;
import dev.lanes.core.rules.RuleSnapshot;
import dev.lanes.core.rules.RuleValidationException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** DESIGN row 10: at an entry, a tag from an untrusted source is dropped before dyeing; behind it, kept. */
class EntryTrustTest {

    private static final String SECRET = "s3cret-0123456789abcdef";
    private static final String TRUST = """
            entry:
              services: [edge]
              trust:
                sources: [10.0.8.0/24, "fd00::/8", 127.0.0.2]
                secret: {header: X-Lanes-Entry, value: %s}
            """.formatted(SECRET);

    private final AtomicReference<RuleSnapshot> rules = new AtomicReference<>(RuleSnapshot.EMPTY);

    private LaneRouter router(String app, String instanceTag) {
        return new LaneRouter(app, instanceTag, rules::get, new LaneMetrics(), System::currentTimeMillis);
    }

    private void rules(String yaml) throws RuleValidationException {
        rules.set(RuleParser.parse(yaml, "test"));
    }

    static RequestView from(String peer, Map<String, String> headers) {
        DescribedRequest request = DescribedRequest.of().path("/").method("GET").remoteAddress(peer);
        for (Map.Entry<String, String> e : headers.entrySet()) {
            request.header(e.getKey(), e.getValue());
        }
        return request;
    }

    @Nested
    class AtAGateway {

        @Test
        void withNoRulesAGatewayTrustsNoSourceAndDyesTheRequestAsUntagged() {
            LaneRouter gateway = router("gateway", null);
            gateway.entryFound("test gateway");
            assertNull(gateway.inbound("dev1", from("203.0.113.9", Map.of())));
            assertNull(gateway.inbound("dev1", from("127.0.0.1", Map.of())));
        }

        @Test
        void aForgedTagIsDroppedBeforeDyeingSoNodeDyeingAndIngressRulesStillApply() throws Exception {
            LaneRouter grayGateway = router("gateway", "gray");
            grayGateway.entryFound("test gateway");
            assertEquals("gray", grayGateway.inbound("dev1", from("203.0.113.9", Map.of())));
            rules("""
                    lanes:
                      - name: qa
                        tag: qa
                        entry: {match: {headers: {x-qa: "1"}}}
                    """);
            LaneRouter gateway = router("gateway", null);
            gateway.entryFound("test gateway");
            assertEquals("qa", gateway.inbound("dev1", from("203.0.113.9", Map.of("x-qa", "1"))));
        }

        @Test
        void aTrustedRangeOrTheSecretIsHonoured() throws Exception {
            rules(TRUST);
            LaneRouter gateway = router("gateway", null);
            gateway.entryFound("test gateway");
            assertEquals("dev1", gateway.inbound("dev1", from("10.0.8.77", Map.of())));
            assertEquals("dev1", gateway.inbound("dev1", from("127.0.0.2", Map.of())));
            assertEquals("dev1", gateway.inbound("dev1", from("fd00::12", Map.of())));
            assertEquals("dev1", gateway.inbound("dev1", from("203.0.113.9", Map.of("x-lanes-entry", SECRET))));
            assertNull(gateway.inbound("dev1", from("10.0.9.1", Map.of())));
            assertNull(gateway.inbound("dev1", from("127.0.0.1", Map.of())));
            assertNull(gateway.inbound("dev1", from("203.0.113.9", Map.of("x-lanes-entry", SECRET + "x"))));
            assertNull(gateway.inbound("dev1", from(null, Map.of())));
            assertFalse(gateway.trusted(from("203.0.113.9", Map.of("X-Forwarded-For", "10.0.8.1"))),
                    "forwarding headers are written by the client and never read");
            assertEquals("x-lanes-entry", gateway.trustHeader());
        }

        @Test
        void theExplanationSaysTheTagWasDropped() throws Exception {
            LaneRouter gateway = router("gateway", null);
            gateway.entryFound("test gateway");
            InboundDecision d = gateway.explainInbound("dev1", from("203.0.113.9", Map.of()));
            assertNull(d.tag());
            assertTrue(String.join("\n", d.why()).contains("not trusted"), d.why().toString());
        }
    }

    @Nested
    class AtAService {

        @Test
        void aServiceTheRulesDoNotNameKeepsTrustingTheTag() throws Exception {
            assertEquals("dev1", router("orders", null).inbound("dev1", from("203.0.113.9", Map.of())));
            rules(TRUST);
            assertEquals("dev1", router("orders", null).inbound("dev1", from("203.0.113.9", Map.of())));
            assertTrue(router("orders", null).trusted(from("203.0.113.9", Map.of())));
        }

        @Test
        void aServiceNamedAsAnEntryTrustsOnlyTheSourcesTheRulesName() throws Exception {
            rules(TRUST);
            LaneRouter edge = router("edge", null);
            assertNull(edge.inbound("dev1", from("203.0.113.9", Map.of())));
            assertEquals("dev1", edge.inbound("dev1", from("10.0.8.1", Map.of())));
            assertFalse(edge.trusted(from("203.0.113.9", Map.of())));
        }
    }

    @Nested
    class Validation {

        private String error(String yaml) {
            return assertThrows(RuleValidationException.class, () -> RuleParser.parse(yaml, "test")).getMessage();
        }

        @Test
        void badInputNamesFieldValueAndWhatWasExpected() {
            String bad = error("entry: {trust: {sources: [10.0.8.0/33, gateway.local, 300.1.1.1]}}");
            assertTrue(bad.contains("entry.trust.sources[0]") && bad.contains("10.0.8.0/33")
                    && bad.contains("CIDR"), bad);
            assertTrue(bad.contains("entry.trust.sources[1]") && bad.contains("gateway.local"), bad);
            assertTrue(bad.contains("entry.trust.sources[2]"), bad);
            String shortSecret = error("entry: {trust: {secret: {header: x-lanes-entry, value: short}}}");
            assertTrue(shortSecret.contains("entry.trust.secret.value") && shortSecret.contains("too short")
                    && !shortSecret.contains("'short'"), shortSecret);
            String header = error("entry: {trust: {secret: {header: x-lanes-tag, value: " + SECRET + "}}}");
            assertTrue(header.contains("entry.trust.secret.header"), header);
            String unknown = error("entry: {trusted: {}}");
            assertTrue(unknown.contains("entry.trusted") && unknown.contains("trust"), unknown);
            String missing = error("entry: {trust: {secret: {header: x-lanes-entry}}}");
            assertTrue(missing.contains("entry.trust.secret.value") && missing.contains("missing"), missing);
        }
    }
}
