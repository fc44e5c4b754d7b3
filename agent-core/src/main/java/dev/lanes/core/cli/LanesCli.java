package dev.lanes.core.cli;

import dev.lanes.core.AgentVersion;
import java.io.PrintStream;
import java.util.Arrays;

/**
 * The command line of lanes-agent.jar ({@code java -jar lanes-agent.jar ...}): {@code version},
 * {@code attach} (its own exit codes: {@link AttachCommand}), and the {@code rules} commands
 ({@link RulesCommand}), which use the agent's own validator and rule sources.
 * Exit codes: 0 success, 1 invalid rules (or no rules found), 2 usage or I/O error, 3 the rule
 * source failed or timed out.
 */
public final class LanesCli {

    static final int OK = 0;
    static final int INVALID = 1;
    static final int USAGE = 2;
    static final int SOURCE_FAILED = 3;

    private static final String USAGE_TEXT = String.join("\n",
            "usage: java -jar lanes-agent.jar version",
            "       java -jar lanes-agent.jar attach [PID [ARGS]]   (starts Lanes in a running JVM; attach -h)",
            "       java -jar lanes-agent.jar rules validate FILE [--global FILE]",
            "       java -jar lanes-agent.jar rules get --source SOURCE [--app NAME] [--timeout 10s]",
            "       java -jar lanes-agent.jar rules get --cache [CACHE.yaml] --source SOURCE [--app NAME]",
            "       java -jar lanes-agent.jar rules push FILE --source SOURCE (--app NAME | --global) [--timeout 10s]",
            "       java -jar lanes-agent.jar rules explain FILE [--global FILE] [--service NAME] [--app NAME]",
            "             [--tag TAG] [--instance-tag TAG] [--header K=V]... [--cookie K=V]... [--query K=V]...",
            "             [--path PATH] [--method M] [--arg N=V]... [--instances TAG,TAG,base,...]",
            "       java -jar lanes-agent.jar console (--rules SOURCE | --agent HOST:PORT...) [--port 9470]",
            "             [--bind ADDRESS [--token TOKEN]] [--interval 2s]   (a live traffic page; console -h)",
            "SOURCE is a value of lanes.rules, such as nacos://127.0.0.1:8848?namespace=dev or",
            "zookeeper://127.0.0.1:2181/lanes/rules. Exit codes: 0 ok, 1 invalid rules or none found,",
            "2 usage or I/O error, 3 the rule source failed.");

    private LanesCli() {
    }

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            if (args.length == 1 && args[0].equals("version")) {
                out.println("Lanes " + AgentVersion.get());
                return OK;
            }
            if (args.length >= 1 && args[0].equals("attach")) {
                return AttachCommand.run(Arrays.asList(args).subList(1, args.length), out, err);
            }
            if (args.length >= 1 && args[0].equals("console")) {
                return ConsoleCommand.run(Arrays.asList(args).subList(1, args.length), out, err);
            }
            if (args.length >= 2 && args[0].equals("rules") && RulesCommand.COMMANDS.contains(args[1])) {
                return RulesCommand.run(args[1], Arrays.asList(args).subList(2, args.length), out, err);
            }
        } catch (RulesCommand.UsageException e) {
            err.println(e.getMessage());
        }
        err.println(USAGE_TEXT);
        return USAGE;
    }
}
