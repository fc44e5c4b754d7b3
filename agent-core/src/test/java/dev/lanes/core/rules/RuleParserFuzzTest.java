package dev.lanes.core.rules;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lanes.bridge.Tags;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Random documents, seeded and reproducible: the parser must answer every one with a snapshot
 * or a RuleValidationException, never another exception and never a hang. Run with
 * {@code -Dfuzz.seed=N} to replay a failure (the seed is printed in every failure message).
 */
class RuleParserFuzzTest {

    private static final String[] KEYS = {"version", "dryRun", "lanes", "routes", "warmup", "outlier", "lossless",
        "name", "tag", "fallback", "entry", "match", "percent", "stickyBy", "services", "headers", "cookies",
        "query", "path", "method", "args", "exact", "prefix", "regex", "present", "service", "to", "weight",
        "enabled", "window", "curve", "minWeightPercent", "consecutiveErrors", "interval", "baseEjection",
        "maxEjectionPercent", "panicThreshold", "failurePercent", "failureMinCalls", "registrationDelay", "drain",
        "", "x", "<<", "Lanes", "lanes ", "0", "-1", "x-user-id", "2", "tags", "\u00e9t\u00e9"};
    private static final String[] SCALARS = {"gray", "base", "none", "dev1", "10", "-1", "150", "0", "100", "10000",
        "10001", "1e9", "0.5", "2.5", ".inf", "true", "false", "yes", "~", "", " ", "10s", "500ms", "2m", "1h",
        "25h", "-5s", "header:x-user-id", "cookie:", "query:q", "[0-9", "^1[0-9]+$", "(a|b)*", "-gray",
        "a b", "x".repeat(70), "\u00e9", "\n", "0x10", "1_000", "2024-01-01", "null", "*a", "&a", "!foo", "%"};
    private static final char[] NOISE = {':', '-', '[', ']', '{', '}', ',', '"', '\'', '\t', '\n', ' ', '#', '&',
        '*', '!', '%', '@', '`', '|', '>', '?', '\\', '\u0000', '\u0007', '\u00e9', '\ud800', '\udc00', '\uFEFF',
        '0', '9', 'a'};

    private static long seed() {
        String fixed = System.getProperty("fuzz.seed");
        return fixed != null ? Long.parseLong(fixed) : System.nanoTime();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void randomTreesAreEitherAcceptedOrRejectedCleanly() {
        long seed = seed();
        Random random = new Random(seed);
        int accepted = 0;
        int rejected = 0;
        for (int i = 0; i < 3000; i++) {
            Object tree = random.nextInt(4) == 0 ? randomTree(random, 0) : document(random);
            String text = render(random, tree);
            if (check(text, seed, i)) {
                accepted++;
            } else {
                rejected++;
            }
        }
        System.out.println("fuzz trees (seed " + seed + "): " + accepted + " accepted, " + rejected + " rejected");
        // The generator must reach both outcomes, or the test exercises too little.
        assertTrue(accepted > 0 && rejected > 0, "seed " + seed + ": " + accepted + " accepted, " + rejected
                + " rejected");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void mutatedValidDocumentsAreEitherAcceptedOrRejectedCleanly() {
        long seed = seed();
        Random random = new Random(seed);
        String[] bases = {RuleParserTest.COMPLETE, render(random, document(random)), "{\"lanes\": [{\"name\": "
                + "\"gray\", \"tag\": \"gray\", \"entry\": {\"percent\": 10}}], \"warmup\": {\"window\": \"2m\"}}"};
        int accepted = 0;
        for (int i = 0; i < 3000; i++) {
            StringBuilder doc = new StringBuilder(bases[random.nextInt(bases.length)]);
            int mutations = 1 + random.nextInt(6);
            for (int m = 0; m < mutations; m++) {
                mutate(random, doc);
            }
            if (check(doc.toString(), seed, i)) {
                accepted++;
            }
        }
        System.out.println("fuzz mutations (seed " + seed + "): " + accepted + " of 3000 accepted");
    }

    /** True when accepted; fails the test on anything but a snapshot or a well-formed rejection. */
    private static boolean check(String text, long seed, int index) {
        try {
            RuleSnapshot s = RuleParser.parse(text, "fuzz");
            assertNotNull(s);
            for (LaneRule lane : s.lanes()) {
                assertTrue(Tags.isValid(lane.tag()) && !lane.tag().equals("base"), where(seed, index, text));
                assertNotNull(lane.name(), where(seed, index, text));
                if (lane.entry() != null) {
                    assertTrue(lane.entry().percent() >= 0 && lane.entry().percent() <= 100, where(seed, index, text));
                }
            }
            for (RouteRule route : s.routes()) {
                assertTrue(route.totalWeight() > 0, where(seed, index, text));
                assertFalse(route.to().isEmpty(), where(seed, index, text));
                for (WeightedTag to : route.to()) {
                    assertTrue(to.tag() == null || Tags.isValid(to.tag()), where(seed, index, text));
                }
            }
            return true;
        } catch (RuleValidationException e) {
            assertFalse(e.problems().isEmpty(), where(seed, index, text));
            for (RuleProblem p : e.problems()) {
                assertNotNull(p.field(), where(seed, index, text));
                assertNotNull(p.message(), where(seed, index, text));
            }
            return false;
        } catch (Throwable t) {
            return fail(where(seed, index, text) + "\nthrew " + t, t);
        }
    }

    private static String where(long seed, int index, String text) {
        return "seed " + seed + " (replay with -Dfuzz.seed=" + seed + "), document #" + index + ":\n"
                + (text.length() > 2000 ? text.substring(0, 2000) + "..." : text);
    }

    private static void mutate(Random random, StringBuilder doc) {
        if (doc.length() == 0) {
            doc.append(NOISE[random.nextInt(NOISE.length)]);
            return;
        }
        int at = random.nextInt(doc.length());
        switch (random.nextInt(6)) {
            case 0:
                doc.deleteCharAt(at);
                break;
            case 1:
                doc.insert(at, NOISE[random.nextInt(NOISE.length)]);
                break;
            case 2:
                doc.setCharAt(at, NOISE[random.nextInt(NOISE.length)]);
                break;
            case 3:
                doc.delete(at, Math.min(doc.length(), at + 1 + random.nextInt(20)));
                break;
            case 4: {
                int end = Math.min(doc.length(), at + 1 + random.nextInt(40));
                doc.insert(random.nextInt(doc.length()), doc.substring(at, end));
                break;
            }
            default:
                doc.insert(at, SCALARS[random.nextInt(SCALARS.length)]);
                break;
        }
    }

    // ---- generators ----

    private static Object randomTree(Random random, int depth) {
        int kind = depth >= 5 ? 2 : random.nextInt(3);
        if (kind == 0) {
            Map<Object, Object> map = new LinkedHashMap<>();
            int n = random.nextInt(6);
            for (int i = 0; i < n; i++) {
                map.put(KEYS[random.nextInt(KEYS.length)], randomTree(random, depth + 1));
            }
            return map;
        }
        if (kind == 1) {
            List<Object> list = new ArrayList<>();
            int n = random.nextInt(5);
            for (int i = 0; i < n; i++) {
                list.add(randomTree(random, depth + 1));
            }
            return list;
        }
        return scalar(random);
    }

    private static Object scalar(Random random) {
        switch (random.nextInt(5)) {
            case 0:
                return random.nextInt(300) - 100;
            case 1:
                return random.nextBoolean();
            case 2:
                return random.nextDouble() * 20 - 5;
            case 3:
                return null;
            default:
                return SCALARS[random.nextInt(SCALARS.length)];
        }
    }

    /** Mostly what the schema asks for, sometimes something else: each value is wrong with small odds. */
    private static Object document(Random random) {
        Map<Object, Object> doc = new LinkedHashMap<>();
        maybe(random, doc, "version", () -> pick(random, "42", "v1", "", 7));
        maybe(random, doc, "dryRun", () -> pick(random, true, false, "yes"));
        maybe(random, doc, "lanes", () -> listOf(random, 4, () -> lane(random)));
        maybe(random, doc, "routes", () -> listOf(random, 4, () -> route(random)));
        maybe(random, doc, "warmup", () -> settings(random, "window", "curve", "minWeightPercent", "enabled"));
        maybe(random, doc, "outlier", () -> settings(random, "consecutiveErrors", "interval", "baseEjection",
                "maxEjectionPercent", "panicThreshold", "failurePercent", "failureMinCalls", "enabled"));
        maybe(random, doc, "lossless", () -> settings(random, "registrationDelay", "drain"));
        return corrupt(random, doc);
    }

    private static Object lane(Random random) {
        Map<Object, Object> lane = new LinkedHashMap<>();
        lane.put("name", pick(random, "gray", "blue", "dev1", "", "gray"));
        lane.put("tag", pick(random, "gray", "blue", "dev1", "base", "-x", "gray"));
        maybe(random, lane, "fallback", () -> pick(random, "base", "none", "strict"));
        maybe(random, lane, "entry", () -> {
            Map<Object, Object> entry = new LinkedHashMap<>();
            maybe(random, entry, "match", () -> match(random));
            maybe(random, entry, "percent", () -> pick(random, 0, 10, 100, 101, -1));
            maybe(random, entry, "stickyBy", () -> pick(random, "header:x-user-id", "cookie:uid", "query:", "x"));
            maybe(random, entry, "services", () -> listOf(random, 3, () -> pick(random, "gateway", "", "edge")));
            return corrupt(random, entry);
        });
        return corrupt(random, lane);
    }

    private static Object route(Random random) {
        Map<Object, Object> route = new LinkedHashMap<>();
        maybe(random, route, "name", () -> pick(random, "r1", ""));
        route.put("service", pick(random, "order-service", "stock-service", ""));
        maybe(random, route, "match", () -> match(random));
        route.put("to", random.nextBoolean() ? destination(random)
                : listOf(random, 3, () -> destination(random)));
        return corrupt(random, route);
    }

    private static Object destination(Random random) {
        Map<Object, Object> to = new LinkedHashMap<>();
        to.put("tag", pick(random, "gray", "base", "dev1", "bad tag"));
        maybe(random, to, "weight", () -> pick(random, 0, 20, 80, 10001, -5));
        return corrupt(random, to);
    }

    private static Object match(Random random) {
        Map<Object, Object> match = new LinkedHashMap<>();
        for (String key : new String[] {"headers", "cookies", "query"}) {
            maybe(random, match, key, () -> {
                Map<Object, Object> named = new LinkedHashMap<>();
                int n = random.nextInt(3);
                for (int i = 0; i < n; i++) {
                    named.put(pick(random, "x-user-id", "x-env", "uid", ""), condition(random));
                }
                return corrupt(random, named);
            });
        }
        maybe(random, match, "path", () -> condition(random));
        maybe(random, match, "method", () -> condition(random));
        maybe(random, match, "args", () -> {
            Map<Object, Object> args = new LinkedHashMap<>();
            args.put(pick(random, 0, 1, 256, "x"), condition(random));
            return corrupt(random, args);
        });
        return corrupt(random, match);
    }

    private static Object condition(Random random) {
        if (random.nextInt(3) == 0) {
            return pick(random, "dev1", 42, true);
        }
        Map<Object, Object> c = new LinkedHashMap<>();
        String kind = (String) pick(random, "exact", "prefix", "regex", "present");
        c.put(kind, kind.equals("present") ? pick(random, true, false) : pick(random, "a", "^1[0-9]+$", "[0-9", ""));
        if (random.nextInt(8) == 0) {
            c.put("prefix", "b");
        }
        return corrupt(random, c);
    }

    private static Object settings(Random random, String... keys) {
        Map<Object, Object> s = new LinkedHashMap<>();
        for (String key : keys) {
            maybe(random, s, key, () -> pick(random, "10s", "500ms", "25h", 1500, 0, 5, 50, 101, -1, 2.5, true));
        }
        return corrupt(random, s);
    }

    private static Object corrupt(Random random, Map<Object, Object> map) {
        int roll = random.nextInt(40);
        if (roll == 0) {
            return randomTree(random, 3);
        }
        if (roll == 1) {
            map.put(KEYS[random.nextInt(KEYS.length)], scalar(random));
        }
        return map;
    }

    private static void maybe(Random random, Map<Object, Object> map, String key, java.util.function.Supplier<Object> value) {
        if (random.nextBoolean()) {
            map.put(key, value.get());
        }
    }

    private static List<Object> listOf(Random random, int max, java.util.function.Supplier<Object> item) {
        List<Object> list = new ArrayList<>();
        int n = random.nextInt(max + 1);
        for (int i = 0; i < n; i++) {
            list.add(item.get());
        }
        return list;
    }

    private static Object pick(Random random, Object... options) {
        return options[random.nextInt(options.length)];
    }

    private static String render(Random random, Object tree) {
        if (random.nextInt(3) == 0) {
            return json(tree, new StringBuilder()).toString();
        }
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(random.nextBoolean() ? DumperOptions.FlowStyle.BLOCK
                : DumperOptions.FlowStyle.AUTO);
        return new Yaml(options).dump(tree);
    }

    private static StringBuilder json(Object value, StringBuilder sb) {
        if (value instanceof Map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                sb.append(first ? "" : ", ");
                first = false;
                json(String.valueOf(e.getKey()), sb).append(": ");
                json(e.getValue(), sb);
            }
            return sb.append('}');
        }
        if (value instanceof List) {
            sb.append('[');
            boolean first = true;
            for (Object item : (List<?>) value) {
                sb.append(first ? "" : ",\n\t");
                first = false;
                json(item, sb);
            }
            return sb.append(']');
        }
        if (value instanceof String) {
            sb.append('"');
            for (char c : ((String) value).toCharArray()) {
                if (c == '"' || c == '\\') {
                    sb.append('\\').append(c);
                } else if (c < 0x20) {
                    sb.append(String.format("\\u%04x", (int) c));
                } else {
                    sb.append(c);
                }
            }
            return sb.append('"');
        }
        return sb.append(value);
    }
}
