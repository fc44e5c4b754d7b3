package dev.lanes.demo.runner.bench;

import dev.lanes.demo.runner.ChainClient;
import dev.lanes.demo.runner.ChainResponse;
import dev.lanes.demo.runner.DemoLine;
import dev.lanes.demo.runner.InstanceSpec;
import dev.lanes.demo.runner.Launch;
import dev.lanes.demo.runner.ServiceProcess;
import dev.lanes.demo.runner.ZooKeeperProcess;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The whole agent against the bare application: the demo chain A -> B -> C (three base
 * instances, ZooKeeper discovery) started with and without {@code -javaagent}, in interleaved
 * rounds whose order alternates, each arm with fresh JVMs on a quiet machine. Per arm it
 * measures start-up, saturated throughput, latency at a fixed rate without coordinated
 * omission, CPU per request, live heap, metaspace and RSS, and prints per-round tables and
 * the medians with the ratio agent/bare. See docs/performance.md.
 */
public final class FootprintBench {

    private static final List<String> CHAIN = List.of("a-base", "b-base", "c-base");

    /** A small valid rule document: one lane, which no instance of the chain carries. */
    static final String RULES = String.join(System.lineSeparator(),
            "# Written by the Lanes footprint benchmark: rules in force, no instance in the lane.",
            "lanes:",
            "  - name: gray",
            "    tag: gray",
            "    fallback: base",
            "");

    private final BenchOptions options;
    private final PrintStream out;
    private final List<String> columns;

    private FootprintBench(BenchOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
        this.columns = columnNames(options.arms());
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    /** Runs the benchmark with a command line; returns the exit code (see {@link BenchOptions#USAGE}). */
    public static int run(String[] args, PrintStream out) {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (BenchOptions.UsageException | IllegalArgumentException e) {
            if (e.getMessage() != null) {
                out.println("lanes-bench: " + e.getMessage());
            }
            out.println(BenchOptions.USAGE);
            return e.getMessage() == null ? 0 : 64;
        }
        try {
            return new FootprintBench(options, out).run();
        } catch (Exception e) {
            out.println("lanes-bench: " + e.getMessage());
            return 1;
        } finally {
            out.flush();
        }
    }

    private int run() throws IOException {
        Path root = DemoLine.repositoryRoot();
        Path agent = null;
        if (options.anyAgent()) {
            agent = (options.agentJar() != null ? options.agentJar()
                    : root.resolve("distribution").resolve("target").resolve("lanes-agent.jar")).toAbsolutePath();
            if (!Files.isRegularFile(agent)) {
                out.println("lanes-bench: agent jar not found at " + agent
                        + "; build it with ./mvnw -B -DskipTests package");
                return 1;
            }
        }
        Path workDir = (options.workDir() != null ? options.workDir() : root.resolve(".lanes-bench")
                .resolve("run-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))))
                .toAbsolutePath();
        Files.createDirectories(workDir);
        List<String> jvmArgs = new ArrayList<>(options.jvmArgs());
        jvmArgs.addAll(options.line().jvmArgs());
        Launch bare = Launch.of(options.line()).withJvmArgs(jvmArgs);
        if (options.java() != null) {
            bare = bare.withJava(options.java());
        }
        out.println("Lanes footprint benchmark: A -> B -> C, " + options.line().description());
        out.println("Settings: " + options.describe());
        out.println("Services: " + bare.java() + " " + String.join(" ", bare.jvmArgs()));
        out.println("Agent: " + (agent == null ? "(no agent arm)" : agent));
        out.println("Logs: " + workDir);
        long started = System.nanoTime();

        ZooKeeperProcess zk = ZooKeeperProcess.start(workDir);
        try {
            Launch withAgent = agent == null ? null : bare.withAgent(agent, agentArgs(agent, bare, zk, workDir));
            if (withAgent != null) {
                out.println("Agent arm: -javaagent:" + agent + (withAgent.agentArgs() == null ? ""
                        : "=" + withAgent.agentArgs()));
            }
            out.println();
            List<List<Map<Figure, Double>>> results = new ArrayList<>();
            for (int arm = 0; arm < columns.size(); arm++) {
                results.add(new ArrayList<>());
            }
            for (int round = 1; round <= options.rounds(); round++) {
                int[] order = round % 2 == 1 ? new int[] {0, 1} : new int[] {1, 0};
                double rate = options.rate();
                List<Map<Figure, Double>> figures = new ArrayList<>(Arrays.asList(null, null));
                for (int arm : order) {
                    Launch launch = options.arms().get(arm).equals("agent") ? withAgent : bare;
                    Map<Figure, Double> measured = runArm(round, columns.get(arm), launch, rate, zk, workDir);
                    if (rate <= 0) {
                        rate = measured.get(Figure.RATE);
                    }
                    figures.set(arm, measured);
                }
                out.println();
                out.printf("== round %d of %d (ran %s, then %s) ==%n", round, options.rounds(),
                        columns.get(order[0]), columns.get(order[1]));
                printTable(figures.get(0), figures.get(1), false);
                out.println();
                results.get(0).add(figures.get(0));
                results.get(1).add(figures.get(1));
            }
            out.printf("== median over %d round(s) ==%n", options.rounds());
            printTable(medians(results.get(0)), medians(results.get(1)), true);
            out.println();
            out.printf("Finished in %.0f s.%n", (System.nanoTime() - started) / 1e9);
            return 0;
        } catch (ArmFailure e) {
            out.println("lanes-bench: " + e.getMessage());
            return 1;
        } finally {
            zk.close();
        }
    }

    /** The agent's arguments for the chosen rule source; pushes the rules to ZooKeeper first. */
    private String agentArgs(Path agent, Launch launch, ZooKeeperProcess zk, Path workDir) throws IOException {
        Path rules = workDir.resolve("rules.yaml");
        Files.writeString(rules, RULES);
        switch (options.rules()) {
            case NONE:
                return null;
            case FILE:
                return "rules=file:" + rules;
            default:
                String source = "zookeeper://" + zk.connectString() + "/lanes/rules";
                // The agent's own command line validates and writes the global document.
                runTool(List.of(launch.java().toString(), "-jar", agent.toString(), "rules", "push",
                        rules.toString(), "--source", source, "--global"), workDir.resolve("rules-push.log"));
                return "rules=" + source;
        }
    }

    private void runTool(List<String> command, Path log) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within 120 s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + process.exitValue() + ":\n"
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
    }

    /**
     * One arm of one round: a quiet machine, three fresh JVMs, the measurements, and every JVM
     * stopped again, whatever happens.
     *
     * @param rate the fixed rate, or 0 for half of this arm's saturated throughput
     */
    private Map<Figure, Double> runArm(int round, String column, Launch launch, double rate, ZooKeeperProcess zk,
            Path workDir) throws IOException {
        String prefix = "[round " + round + " " + column + "] ";
        QuietMachine.Wait quiet = QuietMachine.await(options.quietIdlePercent(), options.quietWait().toMillis() / 1e3);
        out.println(prefix + "quiet machine: " + quiet.describe());
        Map<Figure, Double> figures = new EnumMap<>(Figure.class);
        for (Figure figure : Figure.values()) {
            figures.put(figure, Double.NaN);
        }
        Path dir = workDir.resolve("round-" + round + "-" + column.replace('#', '-'));
        List<ServiceProcess> services = new ArrayList<>();
        try {
            long startedAt = System.nanoTime();
            for (String name : CHAIN) {
                InstanceSpec spec = InstanceSpec.of(name);
                if (options.loadBalancerCache()) {
                    // The demo turns the cache off (so that new instances show at once); users keep it.
                    spec = spec.withAppArgs(ServiceProcess.LB_CACHE + "=true");
                }
                services.add(ServiceProcess.start(launch, spec, zk, dir));
            }
            awaitChain(services, zk);
            // CPU time is the start-up work itself: unlike the wall time, it hardly changes with
            // what else the cores do (three JVMs and ZooKeeper share two here).
            double startCpu = 0;
            for (double seconds : cpu(services)) {
                startCpu += seconds;
            }
            figures.put(Figure.START_CPU, startCpu);
            out.printf("%sstarted %s in %.1f s (pids %s)%n", prefix, CHAIN, (System.nanoTime() - startedAt) / 1e9,
                    services.stream().map(s -> Long.toString(s.pid())).toList());
            for (int i = 0; i < services.size(); i++) {
                double[] times = startTimes(services.get(i));
                figures.put(Figure.START.get(i), times[0]);
                figures.put(Figure.AGENT_START.get(i), times[1]);
            }

            LoadGenerator load = new LoadGenerator(services.get(0).baseUrl() + "/chain");
            LoadGenerator.Saturation saturation = load.saturate(options.connections(), options.warmup(),
                    options.duration());
            figures.put(Figure.THROUGHPUT, saturation.perSecond());
            figures.put(Figure.SATURATED_FAILED, (double) saturation.failed());
            out.printf("%ssaturated: %.1f req/s over %s s with %d connections (%d ok, %d failed)%n", prefix,
                    saturation.perSecond(), options.duration().toMillis() / 1e3, options.connections(),
                    saturation.ok(), saturation.failed());
            if (saturation.ok() == 0) {
                throw new ArmFailure(prefix + "no request succeeded in the saturated phase");
            }

            double fixedRate = rate > 0 ? rate : saturation.perSecond() / 2;
            double[] cpuBefore = cpu(services);
            LoadGenerator.FixedRate result = load.fixedRate(fixedRate, options.rateDuration(), options.workers());
            double[] cpuAfter = cpu(services);
            double cpuSeconds = 0;
            for (int i = 0; i < services.size(); i++) {
                cpuSeconds += cpuAfter[i] - cpuBefore[i];
            }
            figures.put(Figure.RATE, fixedRate);
            figures.put(Figure.P50, result.percentile(0.50));
            figures.put(Figure.P99, result.percentile(0.99));
            figures.put(Figure.P999, result.percentile(0.999));
            figures.put(Figure.SENT, (double) result.sent());
            figures.put(Figure.FAILED, (double) result.failed());
            figures.put(Figure.UNSENT, (double) result.unsent());
            figures.put(Figure.CPU_PER_1K, result.ok() == 0 ? Double.NaN : cpuSeconds / result.ok() * 1000);
            out.printf("%sfixed rate %.1f req/s for %s s: %d sent, %d failed, %d unsent; p50 %.2f ms, p99 %.2f ms,"
                    + " p99.9 %.2f ms; %.2f CPU s in A+B+C%n", prefix, fixedRate,
                    options.rateDuration().toMillis() / 1e3, result.sent(), result.failed(), result.unsent(),
                    result.percentile(0.5), result.percentile(0.99), result.percentile(0.999), cpuSeconds);

            JvmProbe probe = new JvmProbe(launch.java());
            double heap = 0;
            double meta = 0;
            double rss = 0;
            for (int i = 0; i < services.size(); i++) {
                long pid = services.get(i).pid();
                double[] live = probe.liveHeapAndMetaspace(pid);
                double resident = JvmProbe.rssMegabytes(pid);
                figures.put(Figure.HEAP.get(i), live[0]);
                figures.put(Figure.METASPACE.get(i), live[1]);
                figures.put(Figure.RSS.get(i), resident);
                heap += live[0];
                meta += live[1];
                rss += resident;
            }
            figures.put(Figure.HEAP_TOTAL, heap);
            figures.put(Figure.METASPACE_TOTAL, meta);
            figures.put(Figure.RSS_TOTAL, rss);
            out.printf("%smemory A+B+C: heap live %.1f MB, metaspace %.1f MB, RSS %.1f MB%n", prefix, heap, meta, rss);
            return figures;
        } catch (RuntimeException | IOException e) {
            out.println(prefix + "FAILED: " + e.getMessage());
            out.println(prefix + "logs of every process follow");
            zk.dumpLog(out);
            for (ServiceProcess service : services) {
                service.dumpLog(out);
            }
            throw e instanceof ArmFailure failure ? failure : new ArmFailure(prefix + "failed: " + e.getMessage(), e);
        } finally {
            ServiceProcess.stopAll(services);
        }
    }

    /** Every service registered, A sees B, B sees C, and one request takes the whole chain. */
    private void awaitChain(List<ServiceProcess> services, ZooKeeperProcess zk) {
        long deadline = System.nanoTime() + options.startTimeout().toNanos();
        for (ServiceProcess service : services) {
            service.awaitReady(remaining(deadline));
        }
        for (int i = 0; i + 1 < services.size(); i++) {
            ServiceProcess caller = services.get(i);
            ServiceProcess callee = services.get(i + 1);
            while (true) {
                Set<Integer> seen = caller.discoveredPorts(callee.spec().service());
                if (seen != null && seen.equals(Set.of(callee.port()))) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(caller.name() + " sees " + seen + " of " + callee.spec().service()
                            + " after " + options.startTimeout() + "; expected [" + callee.port() + "]");
                }
                Sleep.millis(200);
            }
        }
        ChainClient client = new ChainClient(Duration.ofSeconds(30));
        ChainResponse response = client.get(services.get(0).baseUrl());
        if (!response.ok() || !response.path().equals("a-base -> b-base -> c-base")) {
            throw new IllegalStateException("the first request did not take the chain a-base -> b-base -> c-base:"
                    + " HTTP " + response.status() + ", path '" + response.path() + "', body " + response.body());
        }
    }

    /** {process running for, agent start ms}; Spring Boot may print its line a moment after registering. */
    private static double[] startTimes(ServiceProcess service) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            double[] times = JvmProbe.startTimes(service.logText());
            if (!Double.isNaN(times[0]) || System.nanoTime() > deadline) {
                return times;
            }
            Sleep.millis(200);
        }
    }

    private static double[] cpu(List<ServiceProcess> services) {
        double[] seconds = new double[services.size()];
        for (int i = 0; i < seconds.length; i++) {
            seconds[i] = JvmProbe.cpuSeconds(services.get(i).pid());
        }
        return seconds;
    }

    private void printTable(Map<Figure, Double> first, Map<Figure, Double> second, boolean summary) {
        int labelWidth = "figure".length();
        for (Figure figure : Figure.values()) {
            labelWidth = Math.max(labelWidth, figure.label().length());
        }
        String ratio = columns.get(0) + "/" + columns.get(1);
        String difference = columns.get(0) + "-" + columns.get(1);
        int width = Math.max(12, ratio.length() + 2);
        String cell = "%" + width + "s";
        StringBuilder header = new StringBuilder(String.format("%-" + labelWidth + "s", "figure"));
        header.append(String.format(cell, columns.get(0))).append(String.format(cell, columns.get(1)));
        if (summary) {
            header.append(String.format(cell, ratio)).append(String.format(cell, difference));
        }
        out.println(header);
        for (Figure figure : Figure.values()) {
            double a = first.get(figure);
            double b = second.get(figure);
            StringBuilder row = new StringBuilder(String.format("%-" + labelWidth + "s", figure.label()));
            row.append(String.format(cell, figure.format(a))).append(String.format(cell, figure.format(b)));
            if (summary) {
                boolean both = !Double.isNaN(a) && !Double.isNaN(b);
                row.append(String.format(cell, both && b != 0 ? String.format(java.util.Locale.ROOT, "%.3f", a / b)
                        : "-"));
                row.append(String.format(cell, both && figure.difference()
                        ? String.format(java.util.Locale.ROOT, "%+.2f", a - b) : "-"));
            }
            out.println(row);
        }
    }

    /** The median of each figure over the rounds (NaN where no round has it). */
    static Map<Figure, Double> medians(List<Map<Figure, Double>> rounds) {
        Map<Figure, Double> medians = new EnumMap<>(Figure.class);
        for (Figure figure : Figure.values()) {
            double[] values = rounds.stream().mapToDouble(r -> r.get(figure)).filter(v -> !Double.isNaN(v))
                    .sorted().toArray();
            int n = values.length;
            medians.put(figure, n == 0 ? Double.NaN : n % 2 == 1 ? values[n / 2]
                    : (values[n / 2 - 1] + values[n / 2]) / 2);
        }
        return medians;
    }

    /** "agent", "bare"; "bare#1", "bare#2" when both arms are the same. */
    static List<String> columnNames(List<String> arms) {
        if (arms.get(0).equals(arms.get(1))) {
            return List.of(arms.get(0) + "#1", arms.get(1) + "#2");
        }
        return arms;
    }

    private static Duration remaining(long deadlineNanos) {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    /** An arm that could not be measured; its logs were printed. */
    static final class ArmFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ArmFailure(String message) {
            super(message);
        }

        ArmFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
