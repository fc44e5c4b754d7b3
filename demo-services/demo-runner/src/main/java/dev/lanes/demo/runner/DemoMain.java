package dev.lanes.demo.runner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;

/**
 * The demo: ZooKeeper and A (base, gray) -> B (base) -> C (base, gray) as real JVMs with the
 * agent attached, a mix of traffic, and a table of the paths each kind of request took. On a
 * Dubbo line (the default) B calls C through a Dubbo provider D (base, gray):
 * A -> B => D -> C, "=>" being the Dubbo hop.
 */
public final class DemoMain {

    private static final String USAGE = String.join(System.lineSeparator(),
            "usage: java -jar demo-services/demo-runner/target/demo-runner.jar [AGENT_JAR] [options]",
            "  AGENT_JAR       the agent (default distribution/target/lanes-agent.jar)",
            "  --no-agent      run the plain services: the 'before' picture",
            "  --keep          leave everything running and print URLs to try (and the live console's); Ctrl-C stops it",
            "  --line ID       dubbo33 (default), dubbo32, dubbo31, dubbo27 (A -> B => D -> C, => over Dubbo),",
            "                  or boot27, boot33, boot35, boot40 (A -> B -> C, Spring Cloud only)",
            "  --java PATH     java binary or JDK home for the services (default this JVM's)",
            "  --requests N    requests of each kind (default 20)",
            "  --users N       users (distinct x-user-id keys) sent through nginx's 10 % split (default 2000)",
            "exit: 0 done, 1 could not start, 2 some request failed, 3 with the agent, routing not as expected");

    private static final String TAG_HEADER = "x-lanes-tag";
    /** A header of the application's own that the rules carry down the chain and route by. */
    private static final String ENV_HEADER = "x-env";

    /**
     * Rules of the demo, in the agent's rule format: one lane that falls back to base, and the
     * header {@code x-env} carried down the chain, routed at the last hop.
     */
    static final String RULES = String.join(System.lineSeparator(),
            "# Written by the Lanes demo. The gray lane: gray instances serve gray traffic;",
            "# where a service has no gray instance, its base instances serve it (fallback: base).",
            "lanes:",
            "  - name: gray",
            "    tag: gray",
            "    fallback: base",
            "# The x-env header a client sends to the first service travels down the whole chain,",
            "# so a route at any hop can match it: here calls to service-c with x-env: dev1 go to",
            "# its gray instance, whatever lane the request is in.",
            "propagate: [" + ENV_HEADER + "]",
            "routes:",
            "  - name: env-dev1-to-gray-c",
            "    service: service-c",
            "    match: {headers: {" + ENV_HEADER + ": {exact: dev1}}}",
            "    to: {tag: gray}",
            "");

    private DemoMain() {
    }

    /** Parsed command line. */
    record Options(Path agentJar, boolean noAgent, boolean keep, DemoLine line, Path java, int requests, int users) {

        static Options parse(String[] args) {
            Path agent = null;
            boolean noAgent = false;
            boolean keep = false;
            DemoLine line = DemoLine.DEFAULT;
            Path java = null;
            int requests = 20;
            int users = 2_000;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--no-agent" -> noAgent = true;
                    case "--keep" -> keep = true;
                    case "--line" -> line = DemoLine.parse(value(args, ++i, arg));
                    case "--java" -> java = Paths.get(value(args, ++i, arg));
                    case "--requests" -> requests = positive(value(args, ++i, arg), arg);
                    case "--users" -> users = positive(value(args, ++i, arg), arg);
                    case "-h", "--help" -> throw new UsageException(null);
                    default -> {
                        if (arg.startsWith("-") || agent != null) {
                            throw new UsageException("unknown argument '" + arg + "'");
                        }
                        agent = Paths.get(arg);
                    }
                }
            }
            return new Options(agent, noAgent, keep, line, java, requests, users);
        }

        private static String value(String[] args, int index, String option) {
            if (index >= args.length) {
                throw new UsageException(option + ": missing value");
            }
            return args[index];
        }

        private static int positive(String text, String option) {
            try {
                int n = Integer.parseInt(text);
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new UsageException(option + ": '" + text + "' is not a positive whole number");
        }
    }

    /** A command-line mistake: printed with the usage, exit code 64. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /**
     * One kind of traffic: a name, the entry instance, the headers it sends, and what the
     * agent should make of it (routing rows 1 to 4 of the design).
     */
    record Kind(String label, String url, Map<String, String> headers, String expectation,
            Predicate<ChainResponse> expected) {
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (UsageException | IllegalArgumentException e) {
            if (e.getMessage() != null) {
                System.err.println("lanes-demo: " + e.getMessage());
            }
            System.err.println(USAGE);
            System.exit(e.getMessage() == null ? 0 : 64);
            return;
        }
        try {
            System.exit(run(options));
        } catch (Exception e) {
            System.err.println("lanes-demo: " + e.getMessage());
            System.exit(1);
        }
    }

    static int run(Options options) throws Exception {
        Path root = DemoLine.repositoryRoot();
        Path agent = null;
        if (!options.noAgent()) {
            agent = options.agentJar() != null ? options.agentJar().toAbsolutePath()
                    : root.resolve("distribution").resolve("target").resolve("lanes-agent.jar");
            if (!Files.isRegularFile(agent)) {
                System.err.println("lanes-demo: agent jar not found at " + agent
                        + "; build it with ./mvnw -B -DskipTests package, or run with --no-agent");
                return 1;
            }
        }
        Path workDir = root.resolve(".lanes-demo")
                .resolve("run-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(workDir);
        Path rules = workDir.resolve("rules.yaml");
        Files.writeString(rules, RULES);

        boolean dubbo = options.line().hasDubbo();
        Topology.Builder builder = Topology.builder()
                .line(options.line())
                .workDir(workDir)
                // Seven JVMs starting at once on a small or busy machine can take minutes.
                .startTimeout(Duration.ofSeconds(300));
        if (dubbo) {
            for (String name : List.of("a-base", "a-gray", "b-base", "d-base", "d-gray", "c-base", "c-gray")) {
                builder.instance(InstanceSpec.ofDubboChain(name));
            }
        } else {
            builder.instances("a-base", "a-gray", "b-base", "c-base", "c-gray");
        }
        if (options.java() != null) {
            builder.java(options.java());
        }
        if (agent != null) {
            // Admin endpoints on free ports: they announce themselves beside the rules file, for the console.
            builder.agent(agent, null).jvmArgs("-Dlanes.rules=file:" + rules, "-Dlanes.admin.port=0");
        }
        System.out.println("Lanes demo: " + options.line().description() + ", "
                + (agent == null ? "WITHOUT the agent" : "agent " + agent));
        System.out.println(dubbo
                ? "Starting ZooKeeper and 7 instances: A (a-base, a-gray) -> B (b-base) => D (d-base, d-gray) -> C"
                        + " (c-base, c-gray); => is a Dubbo call, -> an HTTP call"
                : "Starting ZooKeeper and 5 instances: A (a-base, a-gray) -> B (b-base) -> C (c-base, c-gray)");
        System.out.println("then Spring Cloud Gateway in front of A (gw-base, gw-gray), and nginx in front of the"
                + " gateways where it is installed");
        System.out.println("Logs: " + workDir);
        long started = System.nanoTime();
        Topology topology = builder.start();
        Map<String, ServiceProcess> gateways = new LinkedHashMap<>();
        Nginx[] nginx = new Nginx[1];
        ConsoleProcess[] console = new ConsoleProcess[1];
        Runnable stopAll = () -> {
            if (console[0] != null) {
                console[0].close();
            }
            if (nginx[0] != null) {
                nginx[0].close();
            }
            ServiceProcess.stopAll(gateways.values());
            topology.close();
        };
        CountDownLatch stopped = new CountDownLatch(1);
        Thread stopper = new Thread(() -> {
            System.out.println("Stopping everything...");
            stopAll.run();
            stopped.countDown();
        }, "lanes-demo-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        ChainClient client = new ChainClient();
        Path gatewayJar = options.line().gatewayJar();
        String gatewaySkipped = null;
        if (Files.isRegularFile(gatewayJar)) {
            // Both gateways start while B's Dubbo consumer learns its providers.
            Launch gatewayLaunch = topology.launch().withAppJar(gatewayJar);
            for (String[] g : new String[][] {{"gw-base", null}, {"gw-gray", "gray"}}) {
                InstanceSpec spec = new InstanceSpec(g[0], "gateway", "", g[1], List.of(),
                        List.of("--demo.direct-uri=" + topology.url("a-base")));
                gateways.put(g[0], ServiceProcess.start(gatewayLaunch, spec, topology.registry(), workDir));
            }
        } else {
            gatewaySkipped = "no gateway jar at " + gatewayJar + " (./mvnw -B -DskipTests package builds it)";
        }
        if (dubbo) {
            awaitDubboConsumer(topology, client, agent != null);
        }
        int chainLength = dubbo ? 4 : 3;
        try {
            for (ServiceProcess gateway : gateways.values()) {
                awaitGateway(gateway, client, chainLength);
            }
        } catch (IllegalStateException e) {
            System.err.println("lanes-demo: " + e.getMessage());
            Runtime.getRuntime().removeShutdownHook(stopper);
            stopAll.run();
            return 1;
        }
        System.out.printf("Started in %.1f s%n%n", (System.nanoTime() - started) / 1e9);

        List<Kind> kinds = new ArrayList<>(dubbo ? dubboKinds(topology) : List.of(
                new Kind("untagged -> a-base", topology.url("a-base"), Map.of(),
                        "untagged traffic stays on base instances",
                        r -> r.ok() && untaggedAllTheWay(r, topology)),
                new Kind(TAG_HEADER + ": gray -> a-base", topology.url("a-base"), Map.of(TAG_HEADER, "gray"),
                        "gray traffic goes a-base -> b-base (no gray B) -> c-gray, tagged at every hop",
                        r -> r.ok() && r.path().equals("a-base -> b-base -> c-gray") && seenAllTheWay(r, "gray")),
                new Kind("untagged -> a-gray", topology.url("a-gray"), Map.of(),
                        "a-gray dyes its traffic gray: a-gray -> b-base -> c-gray",
                        r -> r.ok() && r.path().equals("a-gray -> b-base -> c-gray")),
                new Kind(ENV_HEADER + ": dev1 -> a-base", topology.url("a-base"), Map.of(ENV_HEADER, "dev1"),
                        "x-env: dev1 reaches every hop and a route sends it to c-gray: a-base -> b-base -> c-gray,"
                                + " untagged",
                        r -> r.ok() && r.path().equals("a-base -> b-base -> c-gray") && seenAllTheWay(r, null)
                                && envAllTheWay(r, "dev1"))));
        String grayPath = dubbo ? "a-gray -> b-base -> d-gray -> c-gray" : "a-gray -> b-base -> c-gray";
        if (!gateways.isEmpty()) {
            kinds.add(new Kind("untagged -> gw-base", gateways.get("gw-base").baseUrl(), Map.of(),
                    "the base gateway keeps untagged traffic on base instances",
                    r -> r.ok() && untaggedAllTheWay(r, topology) && seenAllTheWay(r, null)));
            kinds.add(new Kind("untagged -> gw-gray", gateways.get("gw-gray").baseUrl(), Map.of(),
                    "the gray gateway dyes its traffic gray: gw-gray -> " + grayPath.replace("b-base -> d", "b-base => d")
                            + ", tagged at every hop",
                    r -> r.ok() && r.path().equals(grayPath) && seenAllTheWay(r, "gray")));
        }
        int failures = 0;
        List<String[]> rows = new ArrayList<>();
        List<String> checks = new ArrayList<>();
        boolean allAsExpected = true;
        for (Kind kind : kinds) {
            Map<List<String>, Integer> counts = new LinkedHashMap<>();
            int asExpected = 0;
            for (int i = 0; i < options.requests(); i++) {
                ChainResponse response = client.get(kind.url(), kind.headers());
                if (!response.ok()) {
                    failures++;
                }
                if (kind.expected().test(response)) {
                    asExpected++;
                }
                counts.merge(List.of(describe(response), tagsSeen(response), envSeen(response)), 1, Integer::sum);
            }
            boolean first = true;
            for (Map.Entry<List<String>, Integer> path : counts.entrySet()) {
                rows.add(new String[] {first ? kind.label() : "", path.getKey().get(0), path.getKey().get(1),
                        path.getKey().get(2), String.valueOf(path.getValue())});
                first = false;
            }
            allAsExpected &= asExpected == options.requests();
            checks.add(String.format("  %-4s %s (%d of %d)", asExpected == options.requests() ? "ok" : "NOT",
                    kind.expectation(), asExpected, options.requests()));
        }
        printTable(rows);
        if (dubbo) {
            System.out.println("(->: HTTP call through Spring Cloud LoadBalancer, =>: Dubbo call)");
        }
        System.out.println();
        if (agent == null) {
            System.out.println("Without the agent the load balancer knows no lanes: gray instances take untagged"
                    + System.lineSeparator() + "traffic, and the x-lanes-tag and x-env headers stop at the first hop since"
                    + " the services" + System.lineSeparator() + "never forward them.");
        } else {
            System.out.println("With the agent:");
            checks.forEach(System.out::println);
        }
        System.out.println();
        Path nginxBinary = Nginx.find();
        if (gatewaySkipped != null) {
            System.out.println("Gateway and nginx skipped: " + gatewaySkipped);
        } else if (nginxBinary == null) {
            System.out.println("Nginx skipped: no nginx on the PATH or in " + Nginx.SBIN
                    + " (install it, e.g. apt-get install nginx-light, to see the 10 % split of docs/nginx.md)");
        } else {
            Path nginxDir = workDir.resolve("nginx");
            int port = Ports.free();
            nginx[0] = Nginx.start(nginxBinary, nginxDir, Nginx.splitConfig(port, gateways.get("gw-base").port(),
                    gateways.get("gw-gray").port(), nginxDir.toAbsolutePath()), port);
            try {
                nginx[0].awaitListening(Duration.ofSeconds(20));
            } catch (IllegalStateException e) {
                System.out.println("Nginx skipped: " + nginxBinary + " did not start: " + e.getMessage());
                nginx[0].close();
                nginx[0] = null;
            }
            if (nginx[0] != null) {
                int[] outcome = throughNginx(nginx[0], client, options.users(), grayPath, topology, agent != null);
                failures += outcome[0];
                allAsExpected &= outcome[1] == 1;
            }
        }
        if (failures > 0) {
            System.out.println(failures + " request(s) failed; see the table and the logs in " + workDir);
        }

        if (options.keep()) {
            printKeepHelp(topology, gateways, nginx[0]);
            if (agent != null) {
                try {
                    console[0] = ConsoleProcess.start(topology.launch().java(), agent, "file:" + rules, workDir,
                            Duration.ofSeconds(30));
                    System.out.println("The live traffic console (docs/console.md): " + console[0].url());
                } catch (IllegalStateException e) {
                    System.out.println("The console did not start: " + e.getMessage());
                }
            }
            stopped.await();
            return 0;
        }
        Runtime.getRuntime().removeShutdownHook(stopper);
        stopAll.run();
        System.out.println("Stopped everything: " + (nginx[0] != null ? "nginx, " : "")
                + (gateways.isEmpty() ? "" : gateways.size() + " gateways, ") + topology.instances().size()
                + " instances, ZooKeeper.");
        if (failures > 0) {
            return 2;
        }
        return agent == null || allAsExpected ? 0 : 3;
    }

    /**
     * Layout (a) of docs/nginx.md: {@code users} requests through nginx, each with a user key of its
     * own ({@code x-user-id: user-<n>}), four at a time; prints the share that went to the gray
     * gateway next to the configured 10 %, one example path of each lane and, with the agent, whether
     * every request took its gateway's lane. Returns {failed requests, 1 if as expected else 0}.
     */
    private static int[] throughNginx(Nginx nginx, ChainClient client, int users, String grayPath, Topology topology,
            boolean withAgent) throws InterruptedException {
        long started = System.nanoTime();
        ChainClient.Served[] answers = new ChainClient.Served[users];
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < users; i++) {
                int user = i;
                sent.add(pool.submit(() -> {
                    try {
                        answers[user] = client.getThroughGateway(nginx.url(), Map.of("x-user-id", "user-" + user));
                    } catch (IllegalStateException e) {
                        answers[user] = new ChainClient.Served("?", ChainResponse.parse(599, e.getMessage()));
                    }
                }));
            }
            for (Future<?> f : sent) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        int gray = 0;
        int base = 0;
        int failed = 0;
        int inLane = 0;
        int firstGray = -1;
        int firstBase = -1;
        for (int i = 0; i < users; i++) {
            ChainClient.Served a = answers[i];
            if (!a.chain().ok()) {
                failed++;
                continue;
            }
            boolean isGray = "gw-gray".equals(a.gateway());
            if (isGray) {
                gray++;
                firstGray = firstGray < 0 ? i : firstGray;
            } else if ("gw-base".equals(a.gateway())) {
                base++;
                firstBase = firstBase < 0 ? i : firstBase;
            }
            if (isGray ? a.chain().path().equals(grayPath) && seenAllTheWay(a.chain(), "gray")
                    : "gw-base".equals(a.gateway()) && untaggedAllTheWay(a.chain(), topology)
                            && seenAllTheWay(a.chain(), null)) {
                inLane++;
            }
        }
        System.out.printf("Through nginx (docs/nginx.md layout (a): split_clients on x-user-id, 10%% of users to gw-gray,"
                + " the rest to gw-base):%n");
        System.out.printf("  through nginx: %d users, %.1f%% gray (configured 10%%): %d to gw-gray, %d to gw-base,"
                + " %d failed, in %.1f s%n", users, 100.0 * gray / users, gray, base, failed, seconds);
        int width = String.valueOf(users - 1).length() + 5;
        for (int i : new int[] {firstBase, firstGray}) {
            if (i >= 0) {
                System.out.printf("  e.g. x-user-id: %-" + width + "s -> nginx -> %s -> %s%n", "user-" + i,
                        answers[i].gateway(), describe(answers[i].chain()));
            }
        }
        boolean asExpected = !withAgent || inLane == users;
        if (withAgent) {
            System.out.printf("  %-4s every user's request stayed in its gateway's lane (%d of %d)%n",
                    inLane == users ? "ok" : "NOT", inLane, users);
        }
        if (failed > 0) {
            for (int i = 0; i < users; i++) {
                if (!answers[i].chain().ok()) {
                    System.out.println("  first failure, user-" + i + ": " + describe(answers[i].chain()));
                    break;
                }
            }
        }
        return new int[] {failed, asExpected ? 1 : 0};
    }

    /** Waits until a gateway routes /chain through the whole chain. */
    private static void awaitGateway(ServiceProcess gateway, ChainClient client, int chainLength) {
        long deadline = System.nanoTime() + 180_000_000_000L;
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!gateway.isAlive()) {
                throw new IllegalStateException(gateway.name() + " exited; log " + gateway.logFile());
            }
            try {
                ChainClient.Served a = client.getThroughGateway(gateway.baseUrl(), Map.of());
                if (a.chain().ok() && a.chain().hops().size() == chainLength) {
                    return;
                }
                last = a.chain().status() + " " + a.chain().body();
            } catch (IllegalStateException e) {
                last = e.getMessage();
            }
            ZooKeeperProcess.sleep(250);
        }
        throw new IllegalStateException(gateway.name() + " did not route within 180 s: " + last + "; log "
                + gateway.logFile());
    }

    /** The kinds of traffic of the chain with a Dubbo hop: rows 1 to 4 and 6 across both protocols. */
    private static List<Kind> dubboKinds(Topology topology) {
        return List.of(
                new Kind("untagged -> a-base", topology.url("a-base"), Map.of(),
                        "untagged traffic stays on base instances, over HTTP and Dubbo",
                        r -> r.ok() && untaggedAllTheWay(r, topology)),
                new Kind(TAG_HEADER + ": gray -> a-base", topology.url("a-base"), Map.of(TAG_HEADER, "gray"),
                        "gray traffic goes a-base -> b-base (no gray B) => d-gray -> c-gray, tagged at every hop",
                        r -> r.ok() && r.path().equals("a-base -> b-base -> d-gray -> c-gray")
                                && seenAllTheWay(r, "gray")),
                new Kind("untagged -> a-gray", topology.url("a-gray"), Map.of(),
                        "a-gray dyes its traffic gray: a-gray -> b-base => d-gray -> c-gray",
                        r -> r.ok() && r.path().equals("a-gray -> b-base -> d-gray -> c-gray")),
                new Kind(ENV_HEADER + ": dev1 -> a-base", topology.url("a-base"), Map.of(ENV_HEADER, "dev1"),
                        "x-env: dev1 reaches every hop, over HTTP and Dubbo, and a route sends it to c-gray:"
                                + " a-base -> b-base => d-base -> c-gray, untagged",
                        r -> r.ok() && r.path().equals("a-base -> b-base -> d-base -> c-gray")
                                && seenAllTheWay(r, null) && envAllTheWay(r, "dev1")));
    }

    /**
     * Waits until B's Dubbo consumer knows the providers: Spring Cloud discovery (which the
     * topology waited for) and Dubbo's registry notify separately. With the agent, until gray
     * traffic reaches the gray provider; without it, until one call gets through.
     */
    private static void awaitDubboConsumer(Topology topology, ChainClient client, boolean withAgent) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            ChainResponse r = client.get(topology.url("b-base"), withAgent ? Map.of(TAG_HEADER, "gray") : Map.of());
            if (r.ok() && (!withAgent || r.instances().contains("d-gray"))) {
                return;
            }
            ZooKeeperProcess.sleep(250);
        }
        System.out.println("lanes-demo: B's Dubbo consumer did not see the gray provider within 60 s; going on");
    }

    private static boolean untaggedAllTheWay(ChainResponse response, Topology topology) {
        for (Hop hop : response.hops()) {
            if (topology.instance(hop.instance()).spec().tag() != null) {
                return false;
            }
        }
        return !response.hops().isEmpty();
    }

    /** Every hop saw the traffic tag {@code tag} (null: none). */
    private static boolean seenAllTheWay(ChainResponse response, String tag) {
        for (Hop hop : response.hops()) {
            if (!Objects.equals(tag, hop.seenTag())) {
                return false;
            }
        }
        return !response.hops().isEmpty();
    }

    /** Every hop saw the header {@code x-env} with the value {@code env}. */
    private static boolean envAllTheWay(ChainResponse response, String env) {
        for (Hop hop : response.hops()) {
            if (!env.equals(hop.seenEnv())) {
                return false;
            }
        }
        return !response.hops().isEmpty();
    }

    /** The path, or the path so far and the failure. */
    static String describe(ChainResponse response) {
        StringBuilder sb = new StringBuilder(response.protocolPath());
        if (!response.ok()) {
            Object status = response.error() == null ? null : response.error().get("status");
            sb.append(response.hops().isEmpty() ? "" : " ->").append(" FAILED (HTTP ").append(response.status());
            if (status != null) {
                sb.append(", downstream ").append(status);
            }
            sb.append(": ").append(response.errorMessage()).append(')');
        }
        return sb.toString();
    }

    /** The x-lanes-tag header each hop saw, "-" for none. */
    static String tagsSeen(ChainResponse response) {
        List<String> seen = new ArrayList<>();
        for (Hop hop : response.hops()) {
            seen.add(hop.seenTag() == null ? "-" : hop.seenTag());
        }
        return String.join(", ", seen);
    }

    /** The x-env header each hop saw, "-" for none. */
    static String envSeen(ChainResponse response) {
        List<String> seen = new ArrayList<>();
        for (Hop hop : response.hops()) {
            seen.add(hop.seenEnv() == null ? "-" : hop.seenEnv());
        }
        return String.join(", ", seen);
    }

    static void printTable(List<String[]> rows) {
        String[] header = {"Requests", "Path", "Tags seen", "x-env seen", "Count"};
        int[] width = new int[header.length];
        for (int c = 0; c < header.length; c++) {
            width[c] = header[c].length();
            for (String[] row : rows) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        String format = "%-" + width[0] + "s  %-" + width[1] + "s  %-" + width[2] + "s  %-" + width[3] + "s  %"
                + width[4] + "s%n";
        System.out.printf(format, (Object[]) header);
        String[] rules = new String[header.length];
        for (int c = 0; c < header.length; c++) {
            rules[c] = "-".repeat(width[c]);
        }
        System.out.printf(format, (Object[]) rules);
        for (String[] row : rows) {
            System.out.printf(format, (Object[]) row);
        }
    }

    private static void printKeepHelp(Topology topology, Map<String, ServiceProcess> gateways, Nginx nginx) {
        System.out.println();
        System.out.println("Everything keeps running. Instances:");
        for (ServiceProcess instance : topology.instances()) {
            System.out.printf("  %-8s %s  (pid %d, log %s)%n", instance.name(), instance.baseUrl(), instance.pid(),
                    instance.logFile());
        }
        for (ServiceProcess gateway : gateways.values()) {
            System.out.printf("  %-8s %s  (pid %d, log %s)%n", gateway.name(), gateway.baseUrl(), gateway.pid(),
                    gateway.logFile());
        }
        if (nginx != null) {
            System.out.printf("  %-8s %s  (pid %d, config %s)%n", "nginx", nginx.url(), nginx.pid(),
                    nginx.dir().resolve("nginx.conf"));
        }
        System.out.println("  ZooKeeper " + topology.zooKeeper().connectString());
        System.out.println();
        System.out.println("Try:");
        System.out.println("  curl -s " + topology.url("a-base") + "/chain");
        System.out.println("  curl -s -H '" + TAG_HEADER + ": gray' " + topology.url("a-base") + "/chain");
        System.out.println("  curl -s " + topology.url("a-gray") + "/chain");
        System.out.println("  curl -s -H '" + ENV_HEADER + ": dev1' " + topology.url("a-base") + "/chain");
        if (!gateways.isEmpty()) {
            System.out.println("  curl -si " + gateways.get("gw-gray").baseUrl() + "/chain   (the gray gateway)");
        }
        if (nginx != null) {
            System.out.println("  curl -si -H 'x-user-id: user-7' " + nginx.url()
                    + "/chain   (nginx: X-Gateway-Instance says which gateway the user's key picked)");
        }
        if (topology.instances().stream().anyMatch(i -> i.spec().isDubboProvider())) {
            System.out.println("  curl -s '" + topology.url("b-base") + "/chain?arg=vip-1'   (arg is the argument of B's Dubbo call)");
            System.out.println("  curl -s " + topology.url("b-base") + "/instances/service-d   (what B's discovery sees)");
        } else {
            System.out.println("  curl -s " + topology.url("b-base") + "/instances/service-c   (what B's discovery sees)");
        }
        System.out.println();
        System.out.println("Press Ctrl-C to stop everything (or kill -TERM " + ProcessHandle.current().pid() + ").");
    }
}
