package dev.lanes.core.rules;

import dev.lanes.core.routing.DescribedRequest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class RuleParserTest {

    static final String COMPLETE = """
            version: "42"
            dryRun: true
            lanes:
              - name: gray
                tag: gray
                fallback: base
                entry:
                  match:
                    headers: {x-user-id: {regex: "^1[0-9]+$"}}
                    cookies: {uid: {prefix: "7"}}
                    query: {debug: {present: true}}
                    path: {prefix: /api/}
                    method: GET
                  percent: 10
                  stickyBy: header:x-user-id
                  services: [gateway, edge]
              - name: strict-dev1
                tag: dev1
                fallback: none
            routes:
              - name: dev1-by-header
                service: order-service
                match: {headers: {x-env: {exact: dev1}}}
                to: {tag: dev1}
              - service: stock-service
                to: [{tag: gray, weight: 20}, {tag: base, weight: 80}]
              - service: greeting-service
                match: {method: sayHello, args: {0: {prefix: vip-}, 2: "42"}}
                to: [{tag: base}]
            warmup:   {window: 2m, curve: 2.5, minWeightPercent: 20}
            outlier:  {consecutiveErrors: 7, interval: 500ms, baseEjection: 1h, maxEjectionPercent: 40, panicThreshold: 30,
                       failurePercent: 25, failureMinCalls: 40}
            lossless: {registrationDelay: 1500, drain: 45s}
            """;

    @Test
    void readsEveryFieldOfACompleteDocument() throws Exception {
        RuleSnapshot s = RuleParser.parse(COMPLETE, "file:/tmp/rules.yaml");

        assertEquals("42", s.version());
        assertEquals("file:/tmp/rules.yaml", s.source());
        assertTrue(s.dryRun());
        assertTrue(s.loadedAtMillis() > 0);

        assertEquals(2, s.lanes().size());
        LaneRule gray = s.lane("gray");
        assertEquals("gray", gray.name());
        assertEquals(Fallback.BASE, gray.fallback());
        EntryRule entry = gray.entry();
        assertEquals(10, entry.percent());
        assertEquals(EntryRule.StickyKey.Source.HEADER, entry.stickyBy().source());
        assertEquals("x-user-id", entry.stickyBy().name());
        assertEquals(List.of("gateway", "edge"), entry.services());
        DescribedRequest matching = DescribedRequest.of().header("X-User-Id", "1234").cookie("uid", "77")
                .query("debug", "").path("/api/orders").method("GET");
        assertTrue(entry.match().matches(matching));
        assertFalse(entry.match().matches(matching.header("x-user-id", "2234")), "regex is a whole match");
        assertFalse(entry.match().matches(DescribedRequest.of().header("x-user-id", "1234").cookie("uid", "77")
                .path("/api/orders").method("GET")), "query debug must be present");
        assertFalse(entry.match().matches(DescribedRequest.of().header("x-user-id", "1234").cookie("uid", "77")
                .query("debug", "1").path("/api/orders").method("POST")), "method is an exact match");

        LaneRule strict = s.lane("dev1");
        assertEquals("strict-dev1", strict.name());
        assertEquals(Fallback.NONE, strict.fallback());
        assertNull(strict.entry());

        assertEquals(3, s.routes().size());
        RouteRule byHeader = s.routesFor("order-service").get(0);
        assertEquals("dev1-by-header", byHeader.name());
        assertEquals(1, byHeader.to().size());
        assertEquals("dev1", byHeader.to().get(0).tag());
        assertEquals(100, byHeader.to().get(0).weight());
        assertTrue(byHeader.match().matches(DescribedRequest.of().header("x-env", "dev1")));
        assertFalse(byHeader.match().matches(DescribedRequest.of().header("x-env", "dev2")));

        RouteRule split = s.routesFor("stock-service").get(0);
        assertNull(split.name());
        assertTrue(split.match().isEmpty());
        assertEquals("gray", split.to().get(0).tag());
        assertEquals(20, split.to().get(0).weight());
        assertNull(split.to().get(1).tag(), "base means untagged");
        assertEquals(80, split.to().get(1).weight());
        assertEquals(100, split.totalWeight());

        RouteRule dubbo = s.routesFor("greeting-service").get(0);
        assertTrue(dubbo.match().matches(DescribedRequest.of().method("sayHello").arg(0, "vip-7").arg(2, 42)));
        assertFalse(dubbo.match().matches(DescribedRequest.of().method("sayHello").arg(0, "vip-7").arg(2, 43)));
        assertFalse(dubbo.match().matches(DescribedRequest.of().method("sayHello").arg(0, "std-7").arg(2, 42)));
        assertNull(dubbo.to().get(0).tag());

        assertTrue(s.warmup().enabled());
        assertEquals(120_000L, s.warmup().windowMillis());
        assertEquals(2.5, s.warmup().curve());
        assertEquals(20, s.warmup().minWeightPercent());

        assertTrue(s.outlier().enabled());
        assertEquals(7, s.outlier().consecutiveErrors());
        assertEquals(500L, s.outlier().intervalMillis());
        assertEquals(3_600_000L, s.outlier().baseEjectionMillis());
        assertEquals(40, s.outlier().maxEjectionPercent());
        assertEquals(30, s.outlier().panicThresholdPercent());
        assertEquals(25, s.outlier().failurePercent());
        assertEquals(40, s.outlier().failureMinCalls());

        assertEquals(1500L, s.lossless().registrationDelayMillis());
        assertEquals(45_000L, s.lossless().drainMillis());
    }

    @Test
    void omittedFieldsTakeTheirDocumentedDefaults() throws Exception {
        RuleSnapshot s = RuleParser.parse("""
                lanes:
                  - {name: gray, tag: gray, entry: {}}
                routes:
                  - {service: a, to: {tag: gray}}
                warmup: {}
                outlier: {}
                lossless: {}
                """, "test");
        assertFalse(s.dryRun());
        assertTrue(s.version().startsWith("sha256:"), s.version());
        LaneRule lane = s.lane("gray");
        assertEquals(Fallback.BASE, lane.fallback());
        assertSame(Match.ANY, lane.entry().match());
        assertEquals(100, lane.entry().percent());
        assertNull(lane.entry().stickyBy());
        assertTrue(lane.entry().services().isEmpty());
        assertSame(Match.ANY, s.routes().get(0).match());
        assertEquals(100, s.routes().get(0).to().get(0).weight());

        assertTrue(s.warmup().enabled());
        assertEquals(120_000L, s.warmup().windowMillis());
        assertEquals(1.0, s.warmup().curve());
        assertEquals(10, s.warmup().minWeightPercent());

        assertTrue(s.outlier().enabled());
        assertEquals(5, s.outlier().consecutiveErrors());
        assertEquals(10_000L, s.outlier().intervalMillis());
        assertEquals(30_000L, s.outlier().baseEjectionMillis());
        assertEquals(50, s.outlier().maxEjectionPercent());
        assertEquals(50, s.outlier().panicThresholdPercent());
        assertEquals(0, s.outlier().failurePercent(), "no failure percentage unless set");
        assertEquals(20, s.outlier().failureMinCalls());

        assertEquals(0L, s.lossless().registrationDelayMillis());
        assertEquals(30_000L, s.lossless().drainMillis());
    }

    @Test
    void absentSectionsAreOffAndEnabledFalseTurnsThemOff() throws Exception {
        RuleSnapshot absent = RuleParser.parse("lanes: []\n", "test");
        assertFalse(absent.warmup().enabled());
        assertFalse(absent.outlier().enabled());
        assertEquals(30_000L, absent.lossless().drainMillis());

        RuleSnapshot off = RuleParser.parse("warmup: {enabled: false, window: 10s}\noutlier: {enabled: false}\n",
                "test");
        assertFalse(off.warmup().enabled());
        assertEquals(10_000L, off.warmup().windowMillis());
        assertFalse(off.outlier().enabled());
    }

    @Test
    void aFieldWithNoValueCountsAsAbsent() throws Exception {
        RuleSnapshot s = RuleParser.parse("""
                lanes:
                #  - name: gray
                routes:
                warmup:
                """, "test");
        assertTrue(s.lanes().isEmpty());
        assertTrue(s.routes().isEmpty());
        assertFalse(s.warmup().enabled());
    }

    @Test
    void versionIsTheDocumentsOwnOrAHashOfItsContent() throws Exception {
        String a = "lanes: [{name: gray, tag: gray}]\n";
        assertEquals(RuleParser.parse(a, "x").version(), RuleParser.parse(a, "y").version());
        assertNotEquals(RuleParser.parse(a, "x").version(), RuleParser.parse(a + "dryRun: false\n", "x").version());
        assertEquals("42", RuleParser.parse("version: 42\n", "x").version());
        assertEquals("2024-06-01.1", RuleParser.parse("version: 2024-06-01.1\n", "x").version());
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "   \n\n", "# only a comment\n", "~", "null\n", "---\n", "\uFEFF", "--- ~\n...\n"})
    void anEmptyDocumentMeansNoRules(String text) throws Exception {
        RuleSnapshot s = RuleParser.parse(text, "file:/etc/lanes/rules.yaml");
        assertEquals("file:/etc/lanes/rules.yaml", s.source());
        assertEquals("none", s.version());
        assertTrue(s.lanes().isEmpty());
        assertTrue(s.routes().isEmpty());
        assertFalse(s.warmup().enabled());
        assertFalse(s.outlier().enabled());
        assertFalse(s.dryRun());
    }

    @Test
    void readsTheJsonFormIncludingTabIndentation() throws Exception {
        String json = """
                {
                \t"version": "42",
                \t"dryRun": true,
                \t"lanes": [
                \t\t{"name": "gray", "tag": "gray", "fallback": "base",
                \t\t "entry": {"match": {"headers": {"x-user-id": {"regex": "^1[0-9]+$"}}},
                \t\t           "percent": 10, "stickyBy": "header:x-user-id", "services": ["gateway"]}}
                \t],
                \t"routes": [
                \t\t{"service": "stock-service", "to": [{"tag": "gray", "weight": 20}, {"tag": "base", "weight": 80}]}
                \t],
                \t"warmup": {"window": "120s", "curve": 2, "minWeightPercent": 10},
                \t"outlier": {"consecutiveErrors": 5, "interval": "10s", "baseEjection": "30s",
                \t            "maxEjectionPercent": 50, "panicThreshold": 50},
                \t"lossless": {"registrationDelay": "0s", "drain": "30s"}
                }
                """;
        RuleSnapshot s = RuleParser.parse(json, "test");
        assertEquals("42", s.version());
        assertTrue(s.dryRun());
        assertEquals(10, s.lane("gray").entry().percent());
        assertEquals(List.of("gateway"), s.lane("gray").entry().services());
        assertEquals(2, s.routesFor("stock-service").get(0).to().size());
        assertEquals(2.0, s.warmup().curve());
        assertTrue(s.outlier().enabled());
    }

    @Test
    void jsonErrorsNameFieldAndLine() {
        RuleValidationException e = rejected("""
                {
                  "lanes": [
                    {"name": "gray", "tag": "gray", "fallback": "strict"}
                  ]
                }
                """);
        assertOnly(e, "lanes[0].fallback", 3);
    }

    @Test
    void conditionsAcceptABareStringAndAnyPlainScalarAsExact() throws Exception {
        RuleSnapshot s = RuleParser.parse("""
                routes:
                  - service: a
                    match: {headers: {x-env: dev1, x-flag: on, x-n: 42, x-empty: ""}}
                    to: {tag: gray}
                """, "test");
        Match m = s.routes().get(0).match();
        assertTrue(m.matches(DescribedRequest.of().header("x-env", "dev1").header("x-flag", "on").header("x-n", "42")
                .header("x-empty", "")));
        assertFalse(m.matches(DescribedRequest.of().header("x-env", "dev1").header("x-flag", "true")
                .header("x-n", "42").header("x-empty", "")));
    }

    @ParameterizedTest
    @CsvSource({"500ms, 500", "10s, 10000", "2m, 120000", "1h, 3600000", "1500, 1500", "0, 0", "0s, 0",
        "24h, 86400000", "'\"750\"', 750"})
    void readsDurations(String written, long millis) throws Exception {
        assertEquals(millis, RuleParser.parse("lossless: {drain: " + written + "}\n", "test").lossless().drainMillis());
    }

    @ParameterizedTest
    @ValueSource(strings = {"25h", "-5s", "-1", "1.5s", "10 s", "10d", "99999999999999999999s", "s", "10S", "ms10",
        "true", "[10s]", "{a: 1}", "0x10", "1_000", "86400001"})
    void rejectsDurationsOutsideTheFormatOrLimit(String written) {
        RuleValidationException e = rejected("lossless:\n  drain: " + written + "\n");
        RuleProblem p = assertOnly(e, "lossless.drain", 2);
        assertTrue(p.expected().contains("24h"), p.message());
    }

    @Test
    void rejectsZeroForDurationsThatMustBePositive() {
        RuleValidationException e = rejected("""
                warmup: {window: 0}
                outlier: {baseEjection: 0ms, interval: 99ms}
                """);
        assertEquals(3, e.problems().size(), e.getMessage());
        problemAt(e, "warmup.window", 1);
        problemAt(e, "outlier.baseEjection", 2);
        assertTrue(problemAt(e, "outlier.interval", 2).expected().contains("from 100ms"));
    }

    @Test
    void messageNamesFieldLineValueAndExpectation() {
        RuleValidationException e = rejected("""
                lanes:
                  - name: gray
                    tag: gray
                  - name: blue
                    tag: blue
                    entry:
                      percent: 150
                """);
        RuleProblem p = assertOnly(e, "lanes[1].entry.percent", 7);
        assertEquals("150", p.value());
        assertEquals("lanes[1].entry.percent (line 7): 150 is not allowed; expected an integer from 0 to 100",
                p.message());
        assertEquals("test", e.source());
        assertTrue(e.getMessage().contains(p.message()), e.getMessage());
    }

    @Test
    void reportsBrokenYamlWithItsLine() {
        RuleValidationException e = rejected("""
                lanes:
                  - name: gray
                   tag: gray
                """);
        assertOnly(e, "document", 3);
        assertTrue(rejected("lanes: [{name: gray, tag: gray}\nroutes: []\n").problems().get(0).line() >= 2);
        assertOnly(rejected("dryRun: false\n---\ndryRun: true\n"), "document", 2);
        assertOnly(rejected("lanes: \"unterminated\n"), "document", 2);
    }

    @Test
    void rejectsADocumentThatIsNotAMapping() {
        assertOnly(rejected("- lanes\n- routes\n"), "document", 1);
        assertOnly(rejected("just a string\n"), "document", 1);
    }

    @Test
    void rejectsWrongTypes() {
        RuleValidationException e = rejected("""
                dryRun: "true"
                lanes: {name: gray}
                routes:
                  - service: [a, b]
                    to: gray
                  - service: b
                    match: [x]
                    to: {tag: gray, weight: "10"}
                warmup: {curve: "2", minWeightPercent: 10.5}
                outlier: true
                lossless: [1s]
                """);
        problemAt(e, "dryRun", 1);
        problemAt(e, "lanes", 2);
        problemAt(e, "routes[0].service", 4);
        problemAt(e, "routes[0].to", 5);
        problemAt(e, "routes[1].match", 7);
        problemAt(e, "routes[1].to.weight", 8);
        problemAt(e, "warmup.curve", 9);
        problemAt(e, "warmup.minWeightPercent", 9);
        problemAt(e, "outlier", 10);
        problemAt(e, "lossless", 11);
        assertEquals(10, e.problems().size(), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "no", "on", "off", "1", "\"false\""})
    void acceptsOnlyTrueOrFalseAsBooleans(String written) {
        RuleProblem p = assertOnly(rejected("dryRun: " + written + "\n"), "dryRun", 1);
        assertEquals("true or false", p.expected());
    }

    @Test
    void rejectsUnknownFieldsAtEveryLevelAndSuggestsTheNearOne() {
        RuleValidationException e = rejected("""
                lane: []
                lanes:
                  - name: gray
                    tag: gray
                    fallbak: none
                    entry:
                      percentage: 10
                      match:
                        header: {x-a: b}
                        headers: {x-b: {exat: c}}
                routes:
                  - serivce: a
                    service: a
                    to: {tag: gray, wieght: 3}
                warmup: {windw: 10s}
                outlier: {consecutiveError: 3}
                lossless: {drian: 1s}
                """);
        assertTrue(problemAt(e, "lane", 1).expected().contains("did you mean 'lanes'"), e.getMessage());
        assertTrue(problemAt(e, "lanes[0].fallbak", 5).expected().contains("did you mean 'fallback'"));
        problemAt(e, "lanes[0].entry.percentage", 7);
        assertTrue(problemAt(e, "lanes[0].entry.match.header", 9).expected().contains("did you mean 'headers'"));
        assertTrue(problemAt(e, "lanes[0].entry.match.headers.x-b.exat", 10).expected()
                .contains("did you mean 'exact'"));
        problemAt(e, "routes[0].serivce", 12);
        problemAt(e, "routes[0].to.wieght", 14);
        problemAt(e, "warmup.windw", 15);
        problemAt(e, "outlier.consecutiveError", 16);
        problemAt(e, "lossless.drian", 17);
        assertEquals(10, e.problems().size(), e.getMessage());
    }

    @Test
    void rejectsNegativeAndHugeNumbers() {
        RuleValidationException e = rejected("""
                lanes:
                  - {name: a, tag: a, entry: {percent: -1}}
                  - {name: b, tag: b, entry: {percent: 101}}
                  - {name: c, tag: c, entry: {percent: 99999999999999999999999}}
                routes:
                  - service: s
                    to: [{tag: a, weight: 10001}, {tag: b, weight: -5}]
                warmup: {curve: 0, minWeightPercent: 101}
                outlier: {consecutiveErrors: 0, maxEjectionPercent: 101, panicThreshold: -1, failurePercent: 0,
                          failureMinCalls: 0}
                """);
        problemAt(e, "lanes[0].entry.percent", 2);
        problemAt(e, "lanes[1].entry.percent", 3);
        problemAt(e, "lanes[2].entry.percent", 4);
        problemAt(e, "routes[0].to[0].weight", 7);
        problemAt(e, "routes[0].to[1].weight", 7);
        problemAt(e, "warmup.curve", 8);
        problemAt(e, "warmup.minWeightPercent", 8);
        problemAt(e, "outlier.consecutiveErrors", 9);
        problemAt(e, "outlier.maxEjectionPercent", 9);
        problemAt(e, "outlier.panicThreshold", 9);
        problemAt(e, "outlier.failurePercent", 9);
        problemAt(e, "outlier.failureMinCalls", 10);
        assertEquals(12, e.problems().size(), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "10.5", "11", "1e9", ".inf", ".nan", "1_0"})
    void rejectsCurvesOutsideTheRange(String curve) {
        assertOnly(rejected("warmup:\n  curve: " + curve + "\n"), "warmup.curve", 2);
    }

    @Test
    void acceptsCurvesInTheRange() throws Exception {
        assertEquals(0.5, RuleParser.parse("warmup: {curve: 0.5}", "t").warmup().curve());
        assertEquals(10.0, RuleParser.parse("warmup: {curve: 10}", "t").warmup().curve());
        assertEquals(1000, RuleParser.parse("outlier: {consecutiveErrors: 1000}", "t").outlier().consecutiveErrors());
        assertEquals(10000, RuleParser.parse("routes: [{service: s, to: {tag: a, weight: 10000}}]", "t")
                .routes().get(0).to().get(0).weight());
    }

    @Test
    void rejectsInvalidTags() {
        RuleValidationException e = rejected("""
                lanes:
                  - {name: a, tag: -gray}
                  - {name: b, tag: base}
                  - {name: c, tag: "dev 1"}
                  - {name: d, tag: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}
                  - {name: e, tag: ""}
                routes:
                  - {service: s, to: {tag: "gr@y"}}
                """);
        problemAt(e, "lanes[0].tag", 2);
        assertTrue(problemAt(e, "lanes[1].tag", 3).issue().contains("reserved"), e.getMessage());
        problemAt(e, "lanes[2].tag", 4);
        problemAt(e, "lanes[3].tag", 5);
        problemAt(e, "lanes[4].tag", 6);
        problemAt(e, "routes[0].to.tag", 8);
        assertEquals(6, e.problems().size(), e.getMessage());
    }

    @Test
    void rejectsMissingRequiredFields() {
        RuleValidationException e = rejected("""
                lanes:
                  - tag: gray
                  - name: blue
                  - name: ~
                    tag: green
                routes:
                  - service: s
                  - to: {tag: gray}
                  - service: t
                    to: {weight: 5}
                  - service: u
                    to: [{tag: a, weight: 1}, {tag: b}]
                """);
        problemAt(e, "lanes[0].name", 2);
        problemAt(e, "lanes[1].tag", 3);
        problemAt(e, "lanes[2].name", 4);
        problemAt(e, "routes[0].to", 7);
        problemAt(e, "routes[1].service", 8);
        problemAt(e, "routes[2].to.tag", 10);
        RuleProblem weight = problemAt(e, "routes[3].to[1].weight", 12);
        assertEquals("missing", weight.issue());
        assertTrue(weight.message().contains("required when a route lists several destinations"), weight.message());
        assertEquals(7, e.problems().size(), e.getMessage());
    }

    @Test
    void rejectsDuplicateLaneNamesAndTags() {
        RuleValidationException e = rejected("""
                lanes:
                  - name: gray
                    tag: gray
                  - name: gray
                    tag: gray2
                  - name: other
                    tag: gray
                """);
        RuleProblem name = problemAt(e, "lanes[1].name", 4);
        assertTrue(name.issue().contains("lanes[0].name (line 2)"), name.message());
        problemAt(e, "lanes[2].tag", 7);
        assertEquals(2, e.problems().size(), e.getMessage());
    }

    @Test
    void rejectsARouteThatNamesATagTwiceOrSendsNothing() {
        RuleValidationException e = rejected("""
                routes:
                  - service: a
                    to: [{tag: gray, weight: 1}, {tag: gray, weight: 2}]
                  - service: b
                    to:
                      - {tag: base, weight: 1}
                      - {tag: base, weight: 1}
                  - service: c
                    to: [{tag: gray, weight: 0}, {tag: base, weight: 0}]
                  - service: d
                    to: []
                """);
        problemAt(e, "routes[0].to[1].tag", 3);
        problemAt(e, "routes[1].to[1].tag", 7);
        problemAt(e, "routes[2].to", 9);
        problemAt(e, "routes[3].to", 11);
        assertEquals(4, e.problems().size(), e.getMessage());
    }

    @Test
    void rejectsInvalidRegexes() {
        RuleValidationException e = rejected("""
                lanes:
                  - name: gray
                    tag: gray
                    entry:
                      match:
                        headers:
                          x-user-id: {regex: "[0-9"}
                routes:
                  - service: s
                    match: {path: {regex: "(*)"}}
                    to: {tag: gray}
                """);
        RuleProblem p = problemAt(e, "lanes[0].entry.match.headers.x-user-id.regex", 7);
        assertEquals("'[0-9'", p.value());
        assertTrue(p.issue().startsWith("is not a valid regular expression"), p.message());
        problemAt(e, "routes[0].match.path.regex", 10);
        assertEquals(2, e.problems().size(), e.getMessage());
    }

    @Test
    void rejectsMalformedConditions() {
        RuleValidationException e = rejected("""
                routes:
                  - service: s
                    match:
                      headers:
                        x-a: {exact: a, prefix: b}
                        x-b: {}
                        x-c: {present: false}
                        x-d:
                        x-e: [a]
                        x-f: {present: yes}
                        x-g: {exact: ~}
                        "": a
                    to: {tag: gray}
                """);
        problemAt(e, "routes[0].match.headers.x-a", 5);
        problemAt(e, "routes[0].match.headers.x-b", 6);
        problemAt(e, "routes[0].match.headers.x-c.present", 7);
        problemAt(e, "routes[0].match.headers.x-d", 8);
        problemAt(e, "routes[0].match.headers.x-e", 9);
        problemAt(e, "routes[0].match.headers.x-f.present", 10);
        problemAt(e, "routes[0].match.headers.x-g.exact", 11);
        problemAt(e, "routes[0].match.headers['']", 12);
        assertEquals(8, e.problems().size(), e.getMessage());
    }

    @Test
    void rejectsMalformedArgumentIndexes() {
        RuleValidationException e = rejected("""
                routes:
                  - service: s
                    match:
                      args:
                        x: a
                        256: b
                        0: c
                        00: d
                        -1: e
                    to: {tag: gray}
                """);
        problemAt(e, "routes[0].match.args.x", 5);
        problemAt(e, "routes[0].match.args.256", 6);
        problemAt(e, "routes[0].match.args.00", 8);
        problemAt(e, "routes[0].match.args.-1", 9);
        assertEquals(4, e.problems().size(), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"foo", "header:", "param:x", "header: x", "header:x ", "x-user-id", "[header:x]"})
    void rejectsMalformedStickyBy(String written) {
        String yaml = "lanes:\n  - name: a\n    tag: a\n    entry:\n      stickyBy: '" + written.replace("'", "''")
                + "'\n";
        if (written.startsWith("[")) {
            yaml = "lanes:\n  - name: a\n    tag: a\n    entry:\n      stickyBy: " + written + "\n";
        }
        RuleProblem p = assertOnly(rejected(yaml), "lanes[0].entry.stickyBy", 5);
        assertEquals("header:NAME, cookie:NAME or query:NAME", p.expected());
    }

    @ParameterizedTest
    @CsvSource({"header:x-user-id, HEADER, x-user-id", "cookie:uid, COOKIE, uid", "query:user, QUERY, user"})
    void readsStickyBy(String written, EntryRule.StickyKey.Source source, String name) throws Exception {
        EntryRule entry = RuleParser.parse("lanes: [{name: a, tag: a, entry: {stickyBy: '" + written + "'}}]", "t")
                .lane("a").entry();
        assertEquals(source, entry.stickyBy().source());
        assertEquals(name, entry.stickyBy().name());
        assertEquals(written, entry.stickyBy().toString());
    }

    @Test
    void rejectsDuplicateKeys() {
        RuleValidationException e = rejected("""
                dryRun: true
                lanes:
                  - name: gray
                    tag: gray
                    tag: blue
                dryRun: false
                """);
        assertTrue(problemAt(e, "lanes[0].tag", 5).issue().contains("first at line 4"), e.getMessage());
        problemAt(e, "dryRun", 6);
        assertEquals(2, e.problems().size(), e.getMessage());
    }

    @Test
    void rejectsFallbacksOtherThanBaseOrNone() {
        RuleProblem p = assertOnly(rejected("lanes:\n  - {name: a, tag: a, fallback: strict}\n"),
                "lanes[0].fallback", 2);
        assertEquals("'strict'", p.value());
    }

    @Test
    void rejectsTagsAndTypesYamlCouldConstruct() {
        assertOnly(rejected("dryRun: !!python/object:os.system {}\n"), "document", 1);
        assertOnly(rejected("lanes: !!java.util.ArrayList []\n"), "document", 1);
        RuleProblem local = assertOnly(rejected("lanes:\n  - name: !custom gray\n    tag: gray\n"), "lanes[0].name", 2);
        assertTrue(local.value().contains("!custom"), local.message());
        assertOnly(rejected("lanes: !!set {a, b}\n"), "lanes", 1);
        assertOnly(rejected("version: !!binary aGVsbG8=\n"), "version", 1);
    }

    @Test
    void rejectsEmptyOrOverlongNames() {
        RuleValidationException e = rejected("lanes:\n  - {name: '  ', tag: a}\n  - {name: " + "n".repeat(129)
                + ", tag: b}\nroutes:\n  - {service: '', to: {tag: a}}\n");
        problemAt(e, "lanes[0].name", 2);
        assertTrue(problemAt(e, "lanes[1].name", 3).issue().contains("too long"));
        problemAt(e, "routes[0].service", 5);
        assertEquals(3, e.problems().size(), e.getMessage());
    }

    @Test
    void rejectsADocumentOverOneMebibyte() {
        String big = "# " + "x".repeat(RuleParser.MAX_DOCUMENT_CHARS) + "\n";
        RuleProblem p = assertOnly(rejected(big), "document", 0);
        assertTrue(p.issue().contains("too long"), p.message());
    }

    @Test
    void boundsNestingAndAliasExpansion() {
        assertOnly(rejected("lanes: " + "[".repeat(100_000) + "]".repeat(100_000) + "\n"), "document", 0);

        StringBuilder bomb = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 10; i++) {
            bomb.append("a").append(i).append(": &a").append(i).append(" [");
            for (int j = 0; j < 10; j++) {
                bomb.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
            }
            bomb.append("]\n");
        }
        RuleValidationException e = rejected(bomb.toString());
        assertTrue(e.getMessage().contains("aliases"), e.getMessage());

        // Within the alias limit, a few aliases may still multiply the work: bounded by a value count.
        StringBuilder wide = new StringBuilder("lanes:\n  - &l {name: a, tag: a, entry: {services: [");
        for (int i = 0; i < 60_000; i++) {
            wide.append(i == 0 ? "" : ",").append('s');
        }
        wide.append("]}}\n");
        for (int i = 0; i < 19; i++) {
            wide.append("  - *l\n");
        }
        RuleValidationException big = rejected(wide.toString());
        assertTrue(big.getMessage().contains("more than " + RuleParser.MAX_VALUES + " values"), big.getMessage());
    }

    @Test
    void reportsEveryProblemTogetherInLineOrder() {
        RuleValidationException e = rejected("""
                dryRun: maybe
                lanes:
                  - name: gray
                    tag: "bad tag"
                    entry: {percent: 300, stickyBy: nope}
                routes:
                  - service: s
                    to: {tag: gray, weight: 20000}
                outlier: {consecutiveErrors: 0}
                """);
        assertEquals(6, e.problems().size(), e.getMessage());
        int previous = 0;
        for (RuleProblem p : e.problems()) {
            assertTrue(p.line() >= previous, e.getMessage());
            previous = p.line();
        }
        assertTrue(e.getMessage().startsWith("6 problems in the rules from test:"), e.getMessage());
    }

    @Test
    void capsTheNumberOfProblemsListed() {
        StringBuilder doc = new StringBuilder("lanes:\n");
        for (int i = 0; i < 300; i++) {
            doc.append("  - {name: n").append(i).append(", tag: '-'}\n");
        }
        RuleValidationException e = rejected(doc.toString());
        assertEquals(RuleParser.MAX_PROBLEMS + 1, e.problems().size());
        assertTrue(e.problems().get(RuleParser.MAX_PROBLEMS).issue().contains("200 more problems"),
                e.problems().get(RuleParser.MAX_PROBLEMS).message());
    }

    // ---- helpers ----

    static RuleValidationException rejected(String yaml) {
        return assertThrows(RuleValidationException.class, () -> RuleParser.parse(yaml, "test"));
    }

    static RuleProblem problemAt(RuleValidationException e, String field, int line) {
        for (RuleProblem p : e.problems()) {
            if (p.field().equals(field) && p.line() == line) {
                return p;
            }
        }
        return fail("no problem for " + field + " at line " + line + " in:\n" + e.getMessage());
    }

    static RuleProblem assertOnly(RuleValidationException e, String field, int line) {
        assertEquals(1, e.problems().size(), e.getMessage());
        return problemAt(e, field, line);
    }
}
