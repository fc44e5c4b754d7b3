package dev.lanes.demo.runner.bench;

import dev.lanes.demo.runner.DemoLine;
import dev.lanes.demo.runner.Launch;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The benchmark's command line; {@link #USAGE} lists every option and its default. */
record BenchOptions(int rounds, List<String> arms, Rules rules, Path agentJar, DemoLine line, Path java,
        List<String> jvmArgs, int connections, Duration warmup, Duration duration, Duration rateDuration,
        double rate, int workers, double quietIdlePercent, Duration quietWait, Duration startTimeout,
        Path workDir, boolean loadBalancerCache) {

    /** Where the agent arm's rules come from. */
    enum Rules {
        NONE, FILE, ZOOKEEPER
    }

    static final String USAGE = String.join(System.lineSeparator(),
            "usage: bench/footprint.sh [options]   (or java -cp demo-services/demo-runner/target/demo-runner.jar "
                    + FootprintBench.class.getName() + " [options])",
            "  --rounds N           rounds; each runs every arm once, the order alternating (default 6)",
            "  --arms LIST          arms in round 1's order, each 'agent' or 'bare' (default agent,bare)",
            "  --floor              both arms bare (--arms bare,bare): the noise floor of the machine",
            "  --rules KIND         rules of the agent arm: none, file or zookeeper (default zookeeper)",
            "  --agent PATH         the agent jar (default distribution/target/lanes-agent.jar)",
            "  --line ID            demo line whose jar runs A, B and C (default " + DemoLine.DEFAULT.id() + ")",
            "  --java PATH          java binary or JDK home for the services (default this JVM's)",
            "  --jvm-args 'ARGS'    JVM options of every service, both arms (default '"
                    + String.join(" ", Launch.DEFAULT_JVM_ARGS) + "')",
            "  --connections N      closed-loop connections for the saturated throughput (default 16)",
            "  --warmup S           closed-loop warm-up, not counted, seconds (default 10)",
            "  --duration S         closed-loop measurement, seconds (default 20)",
            "  --rate-duration S    fixed-rate phase, seconds (default 20)",
            "  --rate R             fixed rate, req/s (default: half the saturated throughput of the round's",
            "                       first arm, the same rate for both arms of a round)",
            "  --workers N          fixed-rate sender threads (default 64)",
            "  --quiet-idle PCT     before each arm, wait until CPU idle over 1 s is at least PCT (default 85;",
            "                       0: no wait)",
            "  --quiet-wait S       ... but at most S seconds (default 60)",
            "  --start-timeout S    how long the three services may take to be ready (default 180)",
            "  --work-dir PATH      logs (default .lanes-bench/run-<time> in the repository)",
            "  --lb-cache MODE      Spring Cloud LoadBalancer's instance cache: default (on, as Spring Cloud",
            "                       ships it) or off (as the demo runs, every call asks discovery) (default default)",
            "exit: 0 done, 1 an arm failed (its logs are printed), 64 bad command line");

    static BenchOptions defaults() {
        return parse(new String[0]);
    }

    static BenchOptions parse(String[] args) {
        int rounds = 6;
        List<String> arms = List.of("agent", "bare");
        Rules rules = Rules.ZOOKEEPER;
        Path agent = null;
        DemoLine line = DemoLine.DEFAULT;
        Path java = null;
        List<String> jvmArgs = Launch.DEFAULT_JVM_ARGS;
        int connections = 16;
        Duration warmup = Duration.ofSeconds(10);
        Duration duration = Duration.ofSeconds(20);
        Duration rateDuration = Duration.ofSeconds(20);
        double rate = 0;
        int workers = 64;
        double quietIdle = 85;
        Duration quietWait = Duration.ofSeconds(60);
        Duration startTimeout = Duration.ofSeconds(180);
        Path workDir = null;
        boolean lbCache = true;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--rounds" -> rounds = positive(value(args, ++i, arg), arg);
                case "--arms" -> arms = arms(value(args, ++i, arg));
                case "--floor" -> arms = List.of("bare", "bare");
                case "--rules" -> rules = rules(value(args, ++i, arg));
                case "--agent" -> agent = Paths.get(value(args, ++i, arg));
                case "--line" -> line = DemoLine.parse(value(args, ++i, arg));
                case "--java" -> java = Paths.get(value(args, ++i, arg));
                case "--jvm-args" -> jvmArgs = words(value(args, ++i, arg));
                case "--connections" -> connections = positive(value(args, ++i, arg), arg);
                case "--warmup" -> warmup = seconds(value(args, ++i, arg), arg, true);
                case "--duration" -> duration = seconds(value(args, ++i, arg), arg, false);
                case "--rate-duration" -> rateDuration = seconds(value(args, ++i, arg), arg, false);
                case "--rate" -> rate = number(value(args, ++i, arg), arg, false);
                case "--workers" -> workers = positive(value(args, ++i, arg), arg);
                case "--quiet-idle" -> quietIdle = number(value(args, ++i, arg), arg, true);
                case "--quiet-wait" -> quietWait = seconds(value(args, ++i, arg), arg, true);
                case "--start-timeout" -> startTimeout = seconds(value(args, ++i, arg), arg, false);
                case "--work-dir" -> workDir = Paths.get(value(args, ++i, arg));
                case "--lb-cache" -> lbCache = lbCache(value(args, ++i, arg));
                case "-h", "--help" -> throw new UsageException(null);
                default -> throw new UsageException("unknown argument '" + arg + "'");
            }
        }
        if (quietIdle > 100) {
            throw new UsageException("--quiet-idle: '" + quietIdle + "' is above 100; expected a percentage");
        }
        return new BenchOptions(rounds, arms, rules, agent, line, java, jvmArgs, connections, warmup, duration,
                rateDuration, rate, workers, quietIdle, quietWait, startTimeout, workDir, lbCache);
    }

    private static boolean lbCache(String value) {
        return switch (value) {
            case "default" -> true;
            case "off" -> false;
            default -> throw new UsageException("--lb-cache: '" + value + "' is neither default nor off");
        };
    }

    boolean anyAgent() {
        return arms.contains("agent");
    }

    /** A short line of the settings, printed first and kept with the results. */
    String describe() {
        return String.format(Locale.ROOT, "rounds %d, arms %s, rules %s, line %s, JVM options '%s', %d connections,"
                + " warm-up %s s, saturated %s s, fixed rate %s for %s s with %d workers, quiet at %.0f%% idle"
                + " (wait at most %s s), LoadBalancer cache %s",
                rounds, String.join(",", arms), anyAgent() ? rules.name().toLowerCase(Locale.ROOT) : "(no agent arm)", line.id(),
                String.join(" ", jvmArgs), connections, secs(warmup), secs(duration),
                rate > 0 ? rate + " req/s" : "half the saturated", secs(rateDuration), workers, quietIdlePercent,
                secs(quietWait), loadBalancerCache ? "on (default)" : "off");
    }

    private static String secs(Duration d) {
        double s = d.toMillis() / 1000.0;
        return s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s);
    }

    private static List<String> arms(String text) {
        List<String> arms = new ArrayList<>();
        for (String arm : text.split(",")) {
            String name = arm.trim().toLowerCase(Locale.ROOT);
            if (!name.equals("agent") && !name.equals("bare")) {
                throw new UsageException("--arms: '" + arm + "' is not an arm; expected agent or bare");
            }
            arms.add(name);
        }
        if (arms.size() != 2) {
            throw new UsageException("--arms: '" + text + "' names " + arms.size() + " arm(s); expected two,"
                    + " e.g. agent,bare");
        }
        return List.copyOf(arms);
    }

    private static Rules rules(String text) {
        try {
            return Rules.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--rules: '" + text + "' is not a rule source; expected none, file or zookeeper");
        }
    }

    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        for (String word : text.trim().split("\\s+")) {
            if (!word.isEmpty()) {
                words.add(word);
            }
        }
        return List.copyOf(words);
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new UsageException(option + ": missing value");
        }
        return args[index];
    }

    private static int positive(String text, String option) {
        try {
            int n = Integer.parseInt(text.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(option + ": '" + text + "' is not a positive whole number");
    }

    private static double number(String text, String option, boolean zeroAllowed) {
        try {
            double n = Double.parseDouble(text.trim());
            if (n > 0 || (zeroAllowed && n == 0)) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(option + ": '" + text + "' is not a " + (zeroAllowed ? "non-negative" : "positive")
                + " number");
    }

    private static Duration seconds(String text, String option, boolean zeroAllowed) {
        return Duration.ofMillis(Math.round(number(text, option, zeroAllowed) * 1000));
    }

    /** A command-line mistake: printed with the usage, exit code 64. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
