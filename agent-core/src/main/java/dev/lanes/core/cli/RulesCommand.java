package dev.lanes.core.cli;

import dev.lanes.core.config.Durations;
import dev.lanes.core.routing.DescribedRequest;
import dev.lanes.core.rules.RuleCache;
import dev.lanes.core.rules.RuleDocument;
import dev.lanes.core.rules.RuleParser;
import dev.lanes.core.rules.RuleProblem;
import dev.lanes.core.rules.RuleSnapshot;
import dev.lanes.core.rules.RuleStore;
import dev.lanes.core.rules.RuleValidationException;
import dev.lanes.core.rules.source.RuleSource;
import dev.lanes.core.rules.source.RuleSources;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code rules validate | get | push | explain}: the rule document checked with the agent's own
 * validator, read from and pushed to a rule source with the agent's own sources, and explained
 * by the engine. Exit codes are {@link LanesCli}'s.
 */
final class RulesCommand {

    private static final int OK = LanesCli.OK;
    private static final int INVALID = LanesCli.INVALID;
    private static final int USAGE = LanesCli.USAGE;
    private static final int SOURCE_FAILED = LanesCli.SOURCE_FAILED;
    private static final long DEFAULT_TIMEOUT_MILLIS = 10000L;

    /** The commands after {@code rules}. */
    static final List<String> COMMANDS = Arrays.asList("validate", "get", "push", "explain");

    private RulesCommand() {
    }

    /** Runs {@code rules <command> <args>} for a command of {@link #COMMANDS}. */
    static int run(String command, List<String> args, PrintStream out, PrintStream err) throws UsageException {
        Options o = Options.parse(args);
        switch (command) {
            case "validate":
                return validate(o, out, err);
            case "get":
                return get(o, out, err);
            case "push":
                return push(o, out, err);
            case "explain":
                return explain(o, out, err);
            default:
                return USAGE;
        }
    }

    private static int validate(Options o, PrintStream out, PrintStream err) throws UsageException {
        o.allow("global");
        String file = o.file();
        List<RuleDocument> docs = documents(file, o.value("global"), err);
        if (docs == null) {
            return USAGE;
        }
        try {
            RuleSnapshot s = RuleParser.parse(docs, "file:" + file);
            out.println(file + (docs.size() > 1 ? " with " + o.value("global") : "") + ": valid (version "
                    + s.version() + ", " + s.lanes().size() + " lanes, " + s.routes().size() + " routes"
                    + (s.dryRun() ? ", dry run" : "") + ")");
            return OK;
        } catch (RuleValidationException e) {
            err.println(file + ": invalid, " + e.problems().size() + " problem(s):");
            for (RuleProblem p : e.problems()) {
                err.println("  " + p.message());
            }
            return INVALID;
        }
    }

    /** The document in {@code file} (and the global one), or null after reporting an I/O error. */
    private static List<RuleDocument> documents(String file, String global, PrintStream err) {
        List<RuleDocument> docs = new ArrayList<RuleDocument>();
        try {
            if (global != null) {
                docs.add(new RuleDocument(RuleDocument.Role.GLOBAL, global, read(global)));
            }
            docs.add(new RuleDocument(RuleDocument.Role.APPLICATION, file, read(file)));
            return docs;
        } catch (IOException e) {
            err.println("cannot read " + e.getMessage());
            return null;
        }
    }

    private static String read(String file) throws IOException {
        try {
            return new String(Files.readAllBytes(new File(file).toPath()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException(file + ": " + e, e);
        }
    }

    private static int get(Options o, PrintStream out, PrintStream err) throws UsageException {
        o.allow("source", "app", "timeout", "cache");
        o.noFile();
        final String source = o.required("source");
        final String app = o.value("app");
        String cache = o.value("cache");
        if (cache != null) {
            // --cache alone: the default cache of --source and --app; --cache FILE: lanes.rules.cache.
            return getCache(o.flag("cache") ? RuleCache.defaultFile(app, source) : new File(cache), source, app, out,
                    err);
        }
        final long timeout = o.millis("timeout", DEFAULT_TIMEOUT_MILLIS);
        final Map.Entry<RuleSource, String> resolved = resolve(source, err);
        if (resolved == null) {
            return USAGE;
        }
        List<RuleDocument> docs;
        try {
            docs = withTimeout(timeout, new Callable<List<RuleDocument>>() {
                @Override
                public List<RuleDocument> call() throws Exception {
                    return resolved.getKey().read(resolved.getValue(), app, timeout);
                }
            });
        } catch (Exception e) {
            err.println("cannot read rules from " + RuleSources.redact(source) + ": " + message(e));
            return SOURCE_FAILED;
        }
        if (docs.isEmpty()) {
            err.println("no rule document at " + RuleSources.redact(source) + (app == null ? "" : " for " + app));
            return INVALID;
        }
        for (RuleDocument d : docs) {
            out.println("# " + d.role().label() + " document " + d.origin());
            out.print(d.text());
            if (!d.text().endsWith("\n")) {
                out.println();
            }
        }
        return OK;
    }

    /**
     * Prints the rules cache of an application: the documents last in force, and those the rule
     * center said no longer exist, each as it was, ready to push again.
     */
    private static int getCache(File file, String source, String app, PrintStream out, PrintStream err) {
        RuleCache.Entry entry;
        try {
            entry = new RuleCache(file).load();
        } catch (IOException e) {
            err.println(e.getMessage());
            return USAGE;
        }
        if (entry == null) {
            err.println("no rules cache " + file + " (--cache alone reads the default cache of --source and --app; "
                    + "give --cache FILE for the value of lanes.rules.cache)");
            return INVALID;
        }
        out.println("# rules cache " + file + ": rules from " + entry.source() + ", version " + entry.version()
                + ", saved " + entry.savedAt());
        for (RuleDocument d : entry.documents()) {
            out.println("# " + d.role().label() + " document " + d.origin() + " (in force when saved)");
            print(out, d.text());
        }
        for (RuleStore.Removed r : entry.removed()) {
            out.println("# REMOVED " + r.document().role().label() + " document " + r.origin() + ", version "
                    + r.version() + ", no longer in the rule center since " + RuleCache.utcTime(r.removedAtMillis())
                    + "; to restore it: rules push FILE --source " + RuleSources.redact(source)
                    + (r.document().role() == RuleDocument.Role.GLOBAL ? " --global"
                    : " --app " + (app == null ? "NAME" : app)));
            print(out, r.document().text());
        }
        return OK;
    }

    private static void print(PrintStream out, String text) {
        out.print(text);
        if (!text.endsWith("\n")) {
            out.println();
        }
    }

    private static int push(Options o, PrintStream out, PrintStream err) throws UsageException {
        o.allow("source", "app", "global", "timeout");
        final String file = o.file();
        final String source = o.required("source");
        final String app = o.value("app");
        final boolean global = o.flag("global");
        if (global == (app != null)) {
            throw new UsageException("rules push needs exactly one of --app NAME and --global");
        }
        final long timeout = o.millis("timeout", DEFAULT_TIMEOUT_MILLIS);
        final String text;
        try {
            text = read(file);
        } catch (IOException e) {
            err.println("cannot read " + e.getMessage());
            return USAGE;
        }
        try {
            RuleParser.parse(text, "file:" + file);
        } catch (RuleValidationException e) {
            err.println(file + ": invalid, not pushed; " + e.problems().size() + " problem(s):");
            for (RuleProblem p : e.problems()) {
                err.println("  " + p.message());
            }
            return INVALID;
        }
        final Map.Entry<RuleSource, String> resolved = resolve(source, err);
        if (resolved == null) {
            return USAGE;
        }
        try {
            String where = withTimeout(timeout, new Callable<String>() {
                @Override
                public String call() throws Exception {
                    return resolved.getKey().write(resolved.getValue(), app, global ? RuleDocument.Role.GLOBAL
                            : RuleDocument.Role.APPLICATION, text, timeout);
                }
            });
            out.println("pushed " + file + " to " + where);
            return OK;
        } catch (Exception e) {
            err.println("cannot push to " + RuleSources.redact(source) + ": " + message(e));
            return SOURCE_FAILED;
        }
    }

    private static int explain(Options o, PrintStream out, PrintStream err) throws UsageException {
        o.allow("global", "service", "app", "tag", "instance-tag", "header", "cookie", "query", "path", "method",
                "arg", "instances");
        String file = o.file();
        List<RuleDocument> docs = documents(file, o.value("global"), err);
        if (docs == null) {
            return USAGE;
        }
        RuleSnapshot rules;
        try {
            rules = RuleParser.parse(docs, "file:" + file);
        } catch (RuleValidationException e) {
            err.println(file + ": invalid, " + e.problems().size() + " problem(s):");
            for (RuleProblem p : e.problems()) {
                err.println("  " + p.message());
            }
            return INVALID;
        }
        DescribedRequest request = DescribedRequest.of().path(o.value("path")).method(o.value("method"));
        for (Map.Entry<String, String> h : o.pairs("header").entrySet()) {
            request.header(h.getKey(), h.getValue());
        }
        for (Map.Entry<String, String> c : o.pairs("cookie").entrySet()) {
            request.cookie(c.getKey(), c.getValue());
        }
        for (Map.Entry<String, String> q : o.pairs("query").entrySet()) {
            request.query(q.getKey(), q.getValue());
        }
        for (Map.Entry<String, String> a : o.pairs("arg").entrySet()) {
            try {
                request.arg(Integer.parseInt(a.getKey()), a.getValue());
            } catch (NumberFormatException e) {
                throw new UsageException("--arg " + a.getKey() + "=...: expected an argument index such as 0");
            }
        }
        String tag = o.value("tag");
        if (tag == null) {
            tag = request.header(dev.lanes.bridge.TrafficContext.HEADER);
        }
        String instances = o.value("instances");
        new RuleExplainer(rules, out).explain(o.value("app"), tag, o.value("instance-tag"), o.value("service"),
                request, instances == null ? null : Arrays.asList(instances.split(",")));
        return OK;
    }

    private static Map.Entry<RuleSource, String> resolve(String source, PrintStream err) {
        try {
            return RuleSources.load(RulesCommand.class.getClassLoader()).resolve(source);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return null;
        }
    }

    /** Runs a rule-center call on a daemon thread, so that a client that hangs cannot hold the command. */
    private static <T> T withTimeout(long millis, Callable<T> call) throws Exception {
        FutureTask<T> task = new FutureTask<T>(call);
        Thread t = new Thread(task, "lanes-cli");
        t.setDaemon(true);
        t.setContextClassLoader(RulesCommand.class.getClassLoader());
        t.start();
        try {
            return task.get(millis + 2000L, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof Exception ? (Exception) cause : new Exception(cause);
        } catch (TimeoutException e) {
            task.cancel(true);
            throw new Exception("no answer within " + millis + " ms");
        }
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    /** Thrown for a command line that does not fit. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** {@code FILE --name value --flag ...}; repeatable options keep every value. */
    static final class Options {
        private final List<String> files = new ArrayList<String>();
        private final Map<String, List<String>> values = new LinkedHashMap<String, List<String>>();
        private static final List<String> FLAGS = Arrays.asList("global", "cache");

        static Options parse(List<String> args) throws UsageException {
            Options o = new Options();
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                if (!a.startsWith("--")) {
                    o.files.add(a);
                    continue;
                }
                String name = a.substring(2);
                String value;
                int eq = name.indexOf('=');
                if (eq > 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                } else if (FLAGS.contains(name) && (i + 1 >= args.size() || !isRulesFile(args.get(i + 1)))) {
                    value = "true";
                } else {
                    if (i + 1 >= args.size()) {
                        throw new UsageException("--" + name + " needs a value");
                    }
                    value = args.get(++i);
                }
                List<String> list = o.values.get(name);
                if (list == null) {
                    list = new ArrayList<String>();
                    o.values.put(name, list);
                }
                list.add(value);
            }
            return o;
        }

        /** {@code --global} is a flag for push and takes a file for validate and explain. */
        private static boolean isRulesFile(String next) {
            return !next.startsWith("--") && (next.endsWith(".yaml") || next.endsWith(".yml") || next.endsWith(".json"));
        }

        void allow(String... names) throws UsageException {
            List<String> allowed = Arrays.asList(names);
            for (String name : values.keySet()) {
                if (!allowed.contains(name)) {
                    throw new UsageException("unknown option --" + name);
                }
            }
        }

        String file() throws UsageException {
            if (files.size() != 1) {
                throw new UsageException(files.isEmpty() ? "a rules FILE is needed" : "one rules FILE only, not "
                        + files);
            }
            return files.get(0);
        }

        void noFile() throws UsageException {
            if (!files.isEmpty()) {
                throw new UsageException("unexpected " + files);
            }
        }

        String value(String name) {
            List<String> list = values.get(name);
            return list == null ? null : list.get(list.size() - 1);
        }

        /** Every value of a repeatable option, in order; empty when absent. */
        List<String> values(String name) {
            List<String> list = values.get(name);
            return list == null ? new ArrayList<String>() : new ArrayList<String>(list);
        }

        String required(String name) throws UsageException {
            String v = value(name);
            if (v == null) {
                throw new UsageException("--" + name + " is needed");
            }
            return v;
        }

        boolean flag(String name) {
            return "true".equals(value(name));
        }

        long millis(String name, long fallback) throws UsageException {
            String v = value(name);
            if (v == null) {
                return fallback;
            }
            long millis = Durations.parseMillis(v);
            if (millis <= 0) {
                throw new UsageException("--" + name + " " + v + ": expected a duration such as 10s");
            }
            return millis;
        }

        Map<String, String> pairs(String name) throws UsageException {
            Map<String, String> map = new LinkedHashMap<String, String>();
            List<String> list = values.get(name);
            if (list == null) {
                return map;
            }
            for (String v : list) {
                int eq = v.indexOf('=');
                if (eq <= 0) {
                    throw new UsageException("--" + name + " " + v + ": expected NAME=VALUE");
                }
                map.put(v.substring(0, eq), v.substring(eq + 1));
            }
            return map;
        }
    }
}
