package dev.lanes.core.cli;

import dev.lanes.core.rules.RuleParser;
import dev.lanes.core.rules.RuleProblem;
import dev.lanes.core.rules.RuleSnapshot;
import dev.lanes.core.rules.RuleValidationException;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/**
 * The command line of lanes-agent.jar: {@code version}, and {@code rules validate FILE},
 * which runs the agent's own validator. Exit codes: 0 valid, 1 invalid, 2 usage or I/O error.
 */
public final class LanesCli {

    private LanesCli() {
    }

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 1 && args[0].equals("version")) {
            out.println("Lanes " + dev.lanes.core.AgentVersion.get());
            return 0;
        }
        if (args.length == 3 && args[0].equals("rules") && args[1].equals("validate")) {
            return validate(new File(args[2]), out, err);
        }
        err.println("usage: java -jar lanes-agent.jar version");
        err.println("       java -jar lanes-agent.jar rules validate FILE");
        return 2;
    }

    private static int validate(File file, PrintStream out, PrintStream err) {
        String text;
        try {
            text = new String(Files.readAllBytes(file.toPath()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("cannot read " + file + ": " + e);
            return 2;
        }
        try {
            RuleSnapshot s = RuleParser.parse(text, "file:" + file);
            out.println(file + ": valid (version " + s.version() + ", " + s.lanes().size() + " lanes, "
                    + s.routes().size() + " routes" + (s.dryRun() ? ", dry run" : "") + ")");
            return 0;
        } catch (RuleValidationException e) {
            err.println(file + ": invalid, " + e.problems().size() + " problem(s):");
            for (RuleProblem p : e.problems()) {
                err.println("  " + p.message());
            }
            return 1;
        }
    }
}
