package dev.lanes.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import dev.lanes.core.rules.RuleCache;
import dev.lanes.core.rules.RuleDocument;
import dev.lanes.core.rules.RuleStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules commands, run in process. */
class LanesCliTest {

    @TempDir
    Path dir;

    record Result(int exit, String out, String err) {
    }

    /** Runs the command line in process; AttachCommandTest uses it too. */
    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = LanesCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path file(String name, String text) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @Test
    void explainsRouteLaneAndFallbackAndWhy() throws Exception {
        Path rules = file("rules.yaml", String.join("\n",
                "lanes:",
                "  - name: dev1",
                "    tag: dev1",
                "    fallback: none",
                "  - name: gray",
                "    tag: gray",
                "    entry: {match: {headers: {x-user-id: {present: true}}}, percent: 100, services: [gateway]}",
                "routes:",
                "  - name: by-env",
                "    service: order-service",
                "    match: {headers: {x-env: {exact: dev1}}}",
                "    to: {tag: dev1}",
                "  - service: order-service",
                "    match: {path: {prefix: /api/}}",
                "    to: [{tag: gray, weight: 20}, {tag: base, weight: 80}]",
                ""));
        Result r = run("rules", "explain", rules.toString(), "--service", "order-service", "--header", "x-env=dev2",
                "--path", "/api/orders", "--app", "gateway", "--header=x-user-id=42", "--instances", "base,gray");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("lane 'gray' entry: applies (header x-user-id present): dyed gray"), r.out());
        assertTrue(r.out().contains("route 'by-env': does not apply: header x-env is 'dev2', expected exact 'dev1'"),
                r.out());
        assertTrue(r.out().contains("route #2 for order-service: applies (path prefix '/api/') -> gray 20.0%, base 80.0%"),
                r.out());
        assertTrue(r.out().contains("tag gray: to instances tagged gray of order-service when it has any up; else to "
                + "base instances, keeping the tag for the next hop (fallback: base, lane 'gray')"), r.out());

        Result strict = run("rules", "explain", rules.toString(), "--service", "order-service", "--header",
                "x-env=dev1", "--instances", "base");
        assertTrue(strict.out().contains("route 'by-env': applies"), strict.out());
        assertTrue(strict.out().contains("the call fails at once (fallback: none, lane 'dev1')"), strict.out());
        assertTrue(strict.out().contains("the call fails: "), strict.out());
    }

    @Test
    void explainsWhatTheEngineDoesWithAMalformedTagAndEachRouteDestination() throws Exception {
        Path rules = file("rules.yaml", String.join("\n",
                "lanes:",
                "  - {name: gray, tag: gray}",
                "routes:",
                "  - service: order-service",
                "    match: {path: {prefix: /api/}}",
                "    to: [{tag: gray, weight: 20}, {tag: base, weight: 80}]",
                ""));
        Result r = run("rules", "explain", rules.toString(), "--service", "order-service", "--tag", "not a tag",
                "--instance-tag", "blue", "--path", "/api/x", "--instances", "base,gray,blue");
        assertEquals(0, r.exit(), r.err());
        // The engine drops a malformed carried tag; so does the explanation, and node dyeing applies.
        assertTrue(r.out().contains("the request carries a malformed tag 'not a tag'"), r.out());
        assertTrue(r.out().contains("no ingress rule dyes it; this instance's tag blue does (node dyeing)"), r.out());
        assertTrue(r.out().contains("outbound call to order-service (traffic tag blue)"), r.out());
        // Both destinations of the weighted route, each with the instances it allows.
        assertTrue(r.out().contains("+ gray#2 (tag gray): in lane gray"), r.out());
        assertTrue(r.out().contains("for destination 2:"), r.out());
        assertTrue(r.out().contains("+ base#1 (base): base instance"), r.out());
        assertTrue(r.out().contains("- blue#3 (tag blue): tagged blue: the call goes to base instances"),
                r.out());
    }

    @Test
    void validatesAnApplicationDocumentWithItsGlobalOne() throws Exception {
        Path global = file("global.yaml", "version: g\nlanes: [{name: gray, tag: gray}]\n");
        Path app = file("orders.yaml", "version: o\nroutes:\n  - service: a\n    to: {tag: gray, weight: x}\n");
        Result r = run("rules", "validate", app.toString(), "--global", global.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("routes[0].to.weight (line 4 of " + app + ")"), r.err());
        Files.writeString(app, "version: o\n");
        Result ok = run("rules", "validate", app.toString(), "--global", global.toString());
        assertEquals(0, ok.exit(), ok.err());
        assertTrue(ok.out().contains("valid (version o+g, 1 lanes"), ok.out());
    }

    @Test
    void pushRefusesInvalidRulesAndUsageErrorsSayWhatIsWrong() throws Exception {
        Path bad = file("bad.yaml", "lanes: [{name: x, tag: base}]\n");
        Result r = run("rules", "push", bad.toString(), "--source", "zookeeper://127.0.0.1:1/x", "--global");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("invalid, not pushed"), r.err());
        Result both = run("rules", "push", bad.toString(), "--source", "zookeeper://h", "--global", "--app", "a");
        assertEquals(2, both.exit());
        assertTrue(both.err().contains("exactly one of --app NAME and --global"), both.err());
        Result unknown = run("rules", "get", "--source", "nacos://h", "--colour", "blue");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("unknown option --colour"), unknown.err());
        Result scheme = run("rules", "get", "--source", "etcd://h");
        assertEquals(2, scheme.exit());
        assertTrue(scheme.err().contains("names the unknown scheme 'etcd'"), scheme.err());
    }

    @Test
    void getCachePrintsTheRemovedDocumentsReadyToPushAgain() throws Exception {
        Path cache = dir.resolve("cache.yaml");
        String removedText = "version: o7\nroutes: [{service: stock, to: {weights: {base: 50, gray: 50}}}]\n";
        new RuleCache(cache.toFile()).save(List.of(new RuleDocument(RuleDocument.Role.GLOBAL, "zookeeper:/g",
                "version: g1\n")), List.of(new RuleStore.Removed(new RuleDocument(RuleDocument.Role.APPLICATION,
                "zookeeper:/lanes/rules/orders", removedText), "o7", 0L)), "zookeeper://127.0.0.1:2181", "g1");

        Result r = run("rules", "get", "--cache", cache.toString(), "--source", "zookeeper://127.0.0.1:2181",
                "--app", "orders");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("# global document zookeeper:/g (in force when saved)\nversion: g1\n"), r.out());
        assertTrue(r.out().contains("# REMOVED application document zookeeper:/lanes/rules/orders, version o7, no "
                + "longer in the rule center since 1970-01-01T00:00:00.000Z; to restore it: rules push FILE --source "
                + "zookeeper://127.0.0.1:2181 --app orders\n" + removedText), r.out());

        Result none = run("rules", "get", "--cache", dir.resolve("absent.yaml").toString(), "--source", "zookeeper://h");
        assertEquals(1, none.exit());
        assertTrue(none.err().contains("no rules cache " + dir.resolve("absent.yaml")), none.err());
    }
}
