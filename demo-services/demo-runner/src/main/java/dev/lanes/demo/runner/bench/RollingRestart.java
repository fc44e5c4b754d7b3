package dev.lanes.demo.runner.bench;

import dev.lanes.demo.runner.DemoLine;
import dev.lanes.demo.runner.InstanceSpec;
import dev.lanes.demo.runner.ServiceProcess;
import dev.lanes.demo.runner.Topology;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A rolling restart at load, with and without the agent, in one run: the demo chain
 * A -> B -> C (Spring Cloud LoadBalancer with its default 35 s instance cache at every caller,
 * ZooKeeper) with {@code --instances} instances of B and of C, or with {@code --chain dubbo}
 * A -> B => D -> C, where B calls D over Dubbo (a Dubbo line); constant load on A while every
 * instance of the restarted services ({@code --restart}, by default all but A, in chain order)
 * is stopped with SIGTERM and started again (a new process on a new
 * port, as a new pod would be), one after another, each waiting until its replacement is
 * registered. The same sequence runs once with the agent (lossless offline, warm-up on) and
 * once without; prints, for each, the requests sent, failed and the latencies over the load
 * window (the restarts, and a few seconds before and after).
 */
public final class RollingRestart {

    /** One arm's outcome. */
    public record Arm(String name, ConstantLoad.Result load) {
    }

    private RollingRestart() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    /** Runs the arms the options ask for; 0 when they ran, 1 when one could not, 2 on bad options. */
    public static int run(String[] args, PrintStream out) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            out.println("rolling-restart: " + e.getMessage());
            out.println(Options.USAGE);
            return 2;
        }
        if (options.help) {
            out.println(Options.USAGE);
            return 0;
        }
        try {
            List<Arm> arms = runArms(options, out);
            print(arms, options, out);
            return 0;
        } catch (IOException | RuntimeException e) {
            out.println("rolling-restart: " + e);
            return 1;
        }
    }

    /** Runs each arm in turn and returns their outcomes. */
    public static List<Arm> runArms(Options options, PrintStream out) throws IOException {
        List<Arm> arms = new ArrayList<>();
        for (String arm : options.arms) {
            arms.add(runArm(arm, options, out));
        }
        return arms;
    }

    private static Arm runArm(String arm, Options options, PrintStream out) throws IOException {
        boolean agent = arm.equals("agent");
        Path dir = options.workDir.resolve(arm);
        Files.createDirectories(dir);
        Path rules = dir.resolve("rules.yaml");
        Files.writeString(rules, "version: rolling-restart\n"
                + "lossless: {registrationDelay: 0s, drain: 30s}\n"
                + "warmup: {window: " + options.warmupSeconds + "s}\n");
        Topology.Builder builder = Topology.builder().line(options.line).workDir(dir)
                .startTimeout(Duration.ofSeconds(options.startTimeoutSeconds));
        if (options.java != null) {
            builder.java(options.java);
        }
        if (agent) {
            builder.agent(options.agentJar, null).jvmArgs("-Dlanes.rules=file:" + rules);
        }
        Map<String, Integer> generation = new LinkedHashMap<>();
        builder.instance(spec(options, "a", 1, 1));
        for (String service : options.services()) {
            for (int i = 1; i <= options.instances; i++) {
                builder.instance(spec(options, service, i, 1));
            }
        }
        for (String service : options.restarted()) {
            for (int i = 1; i <= options.instances; i++) {
                generation.put(service + i, 1);
            }
        }
        out.println("== " + arm + ": starting ZooKeeper, A, " + options.describeServices()
                + (agent ? " with the agent" : " without the agent") + " (logs in " + dir + ")");
        try (Topology topology = builder.start()) {
            String url = topology.url("a1") + "/chain";
            // A short warm-up of the whole chain, not counted.
            ConstantLoad warm = new ConstantLoad(url, options.rate, options.workers).start();
            sleep(options.beforeSeconds * 1000L);
            warm.stop();
            ConstantLoad load = new ConstantLoad(url, options.rate, options.workers).start();
            sleep(options.beforeSeconds * 1000L);
            for (Map.Entry<String, Integer> instance : generation.entrySet()) {
                String key = instance.getKey();
                String service = key.substring(0, 1);
                int index = Integer.parseInt(key.substring(1));
                int gen = instance.getValue();
                String name = name(service, index, gen);
                long t0 = System.nanoTime();
                topology.stopInstance(name);
                long stopped = System.nanoTime();
                topology.startInstance(spec(options, service, index, gen + 1));
                instance.setValue(gen + 1);
                out.printf(Locale.ROOT, "   %s: restarted %s (stopped in %.1f s, replacement registered %.1f s later);"
                                + " so far %d sent, %d failed%n", arm, name, (stopped - t0) / 1e9,
                        (System.nanoTime() - stopped) / 1e9, load.sentSoFar(), load.failedSoFar());
                sleep(options.settleSeconds * 1000L);
            }
            sleep(options.afterSeconds * 1000L);
            return new Arm(arm, load.stop());
        }
    }

    /** Instance {@code index} of service-{a,b,c,d}, its {@code gen}-th process: "b2", "b2.2" after a restart. */
    static InstanceSpec spec(Options options, String service, int index, int gen) {
        boolean dubbo = options.dubboChain();
        String next = switch (service) {
            case "a" -> "service-b";
            case "b" -> dubbo ? InstanceSpec.DUBBO_NEXT_PREFIX + "service-d" : "service-c";
            case "d" -> "service-c";
            default -> "";
        };
        List<String> appArgs = new ArrayList<>();
        if (service.equals("d")) {
            appArgs.add(InstanceSpec.DUBBO_PROVIDER_ARG);
        }
        // The callers keep Spring Cloud LoadBalancer's default instance cache (35 s).
        appArgs.add(ServiceProcess.LB_CACHE + "=true");
        return new InstanceSpec(name(service, index, gen), "service-" + service, next, null, List.of(), appArgs);
    }

    private static String name(String service, int index, int gen) {
        return service + index + (gen == 1 ? "" : "." + gen);
    }

    private static void sleep(long millis) {
        if (millis > 0) {
            Sleep.millis(millis);
        }
    }

    public static void print(List<Arm> arms, Options options, PrintStream out) {
        out.println();
        out.printf(Locale.ROOT, "== rolling restart of %s at %.0f requests/s (%s, chain %s) ==%n",
                options.describeRestarts(), options.rate, options.line.id(), options.chain);
        out.printf(Locale.ROOT, "%-6s %8s %8s %8s %9s %9s %9s %8s%n", "arm", "sent", "failed", "failed%", "p50 ms",
                "p99 ms", "max ms", "seconds");
        for (Arm arm : arms) {
            ConstantLoad.Result r = arm.load();
            out.printf(Locale.ROOT, "%-6s %8d %8d %8.2f %9.1f %9.1f %9.1f %8.1f%n", arm.name(), r.sent(), r.failed(),
                    r.sent() == 0 ? 0.0 : 100.0 * r.failed() / r.sent(), r.percentile(0.5), r.percentile(0.99),
                    r.max(), r.seconds());
        }
        for (Arm arm : arms) {
            if (!arm.load().reasons().isEmpty()) {
                out.println("failures of " + arm.name() + " (first kinds):");
                arm.load().reasons().forEach((reason, n) -> out.println("  " + n + " x " + reason));
            }
        }
    }

    /** Command-line options. */
    public static final class Options {
        static final String USAGE = """
                usage: bench/rolling-restart.sh [options]
                  --rate N            requests per second on A (default 200)
                  --instances N       instances of B and of C (default 2)
                  --arms LIST         agent,bare (default); or one of them
                  --agent JAR         the agent (default distribution/target/lanes-agent.jar)
                  --chain KIND        http: A -> B -> C (default); dubbo: A -> B => D -> C, B calling D over Dubbo
                  --restart LIST      services restarted, in order (default b,c; with --chain dubbo b,d,c)
                  --line ID           demo line (default boot33; with --chain dubbo dubbo33)
                  --java PATH         java binary or JDK home for the services
                  --workers N         load threads (default 64)
                  --warmup-window S   lanes warm-up window in seconds (default 20)
                  --before S          load before the first restart, and warm-up load (default 5)
                  --settle S          wait after each replacement is registered (default 0)
                  --after S           load after the last restart (default 5)
                  --start-timeout S   for a topology or one instance to start (default 240)
                  --work-dir DIR      logs (default .lanes-demo/rolling-restart-<time>)""";

        public double rate = 200;
        public int instances = 2;
        public List<String> arms = List.of("agent", "bare");
        public Path agentJar = DemoLine.repositoryRoot().resolve("distribution/target/lanes-agent.jar");
        public DemoLine line;
        public String chain = "http";
        public List<String> restart;
        public Path java;
        public int workers = 64;
        public int warmupSeconds = 20;
        public int beforeSeconds = 5;
        public int settleSeconds = 0;
        public int afterSeconds = 5;
        public int startTimeoutSeconds = 240;
        public Path workDir = DemoLine.repositoryRoot().resolve(".lanes-demo")
                .resolve("rolling-restart-" + System.currentTimeMillis());
        boolean help;

        boolean dubboChain() {
            return chain.equals("dubbo");
        }

        /** The services after A, in chain order, each with {@link #instances} instances. */
        List<String> services() {
            return dubboChain() ? List.of("b", "d", "c") : List.of("b", "c");
        }

        List<String> restarted() {
            return restart == null ? services() : restart;
        }

        String describeServices() {
            List<String> parts = new ArrayList<>();
            for (String service : services()) {
                parts.add(instances + " x " + service.toUpperCase(Locale.ROOT));
            }
            return String.join(", ", parts);
        }

        String describeRestarts() {
            List<String> parts = new ArrayList<>();
            for (String service : restarted()) {
                parts.add(instances + " x " + service.toUpperCase(Locale.ROOT));
            }
            return String.join(" then ", parts);
        }

        public static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("--help") || arg.equals("-h")) {
                    o.help = true;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(arg + ": missing value");
                }
                String v = args[++i];
                switch (arg) {
                    case "--rate" -> o.rate = Double.parseDouble(v);
                    case "--instances" -> o.instances = Integer.parseInt(v);
                    case "--arms" -> o.arms = List.of(v.split(","));
                    case "--agent" -> o.agentJar = Paths.get(v).toAbsolutePath();
                    case "--line" -> o.line = DemoLine.parse(v);
                    case "--chain" -> o.chain = v;
                    case "--restart" -> o.restart = List.of(v.split(","));
                    case "--java" -> o.java = Paths.get(v);
                    case "--workers" -> o.workers = Integer.parseInt(v);
                    case "--warmup-window" -> o.warmupSeconds = Integer.parseInt(v);
                    case "--before" -> o.beforeSeconds = Integer.parseInt(v);
                    case "--settle" -> o.settleSeconds = Integer.parseInt(v);
                    case "--after" -> o.afterSeconds = Integer.parseInt(v);
                    case "--start-timeout" -> o.startTimeoutSeconds = Integer.parseInt(v);
                    case "--work-dir" -> o.workDir = Paths.get(v).toAbsolutePath();
                    default -> throw new IllegalArgumentException(arg + ": unknown option");
                }
            }
            for (String arm : o.arms) {
                if (!arm.equals("agent") && !arm.equals("bare")) {
                    throw new IllegalArgumentException("--arms: '" + arm + "' is not agent or bare");
                }
            }
            if (!o.chain.equals("http") && !o.chain.equals("dubbo")) {
                throw new IllegalArgumentException("--chain: '" + o.chain + "' is not http or dubbo");
            }
            if (o.line == null) {
                o.line = o.dubboChain() ? DemoLine.DUBBO33 : DemoLine.BOOT33;
            }
            if (o.dubboChain() && !o.line.hasDubbo()) {
                throw new IllegalArgumentException("--chain dubbo: the line " + o.line.id() + " has no Dubbo");
            }
            if (o.restart == null) {
                o.restart = o.services();
            }
            for (String service : o.restart) {
                if (!o.services().contains(service)) {
                    throw new IllegalArgumentException("--restart: '" + service + "' is not among " + o.services());
                }
            }
            if (o.rate <= 0 || o.instances < 2) {
                throw new IllegalArgumentException("--rate must be above 0 and --instances at least 2");
            }
            return o;
        }
    }
}
