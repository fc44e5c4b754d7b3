package dev.lanes.core.cli;

import dev.lanes.core.config.AgentConfig;
import dev.lanes.launcher.LanesAgent;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * {@code java -jar lanes-agent.jar attach [PID [ARGS]]}: loads the agent into a running JVM with
 * all its arguments (jcmd's {@code JVMTI.agent_load} cuts an unquoted argument at its first '='),
 * after checking them with the agent's own parser, and confirms the start. Without a PID it lists
 * the JVMs it can see. The JDK's Attach API is reached by reflection: this code is compiled for
 * Java 8, where it lives in the JDK's tools.jar, and on 9+ it is the module jdk.attach, which a
 * JRE may lack.
 */
final class AttachCommand {

    static final int STARTED = 0;
    static final int INVALID_ARGUMENTS = 1;
    static final int USAGE = 2;
    static final int CANNOT_ATTACH = 4;
    static final int NOT_STARTED = 5;

    static final String USAGE_TEXT = String.join("\n",
            "usage: java -jar lanes-agent.jar attach                 lists the JVMs this user can attach to",
            "       java -jar lanes-agent.jar attach PID [ARGS]      starts Lanes in JVM PID",
            "ARGS are the agent arguments, as after -javaagent:lanes-agent.jar=, for example",
            "tag=gray,admin.port=9464. Exit codes: 0 started (or listed), 1 malformed ARGS (nothing attached),",
            "2 usage error, 4 cannot attach (no such JVM, attach disabled, another user, a Java without the",
            "Attach API, dynamic agent loading disabled), 5 loaded but Lanes did not start (already running,",
            "or it failed: the JVM's standard error says why).");

    private static final String VIRTUAL_MACHINE = "com.sun.tools.attach.VirtualMachine";
    private static final String DESCRIPTOR = "com.sun.tools.attach.VirtualMachineDescriptor";
    /** SIGQUIT is signal 3: bit 2 of the masks in /proc/PID/status. */
    private static final long SIGQUIT_BIT = 1L << 2;

    private final PrintStream out;
    private final PrintStream err;

    private AttachCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** {@code args} are what follows the word {@code attach}. */
    static int run(List<String> args, PrintStream out, PrintStream err) {
        return new AttachCommand(out, err).run(args);
    }

    private int run(List<String> args) {
        if (args.size() > 2 || (args.size() == 1 && args.get(0).startsWith("-"))) {
            if (args.size() > 2) {
                err.println("attach takes a PID and one ARGS word; agent arguments are key=value pairs separated"
                        + " by ',' without spaces, not " + args.subList(1, args.size()));
            }
            err.println(USAGE_TEXT);
            return USAGE;
        }
        if (args.isEmpty()) {
            return list();
        }
        String pid = args.get(0);
        if (!pid.matches("[1-9][0-9]{0,18}")) {
            err.println("'" + pid + "' is not a process id (a positive number, as the listing without PID shows)");
            err.println(USAGE_TEXT);
            return USAGE;
        }
        String agentArgs = args.size() == 2 && !args.get(1).trim().isEmpty() ? args.get(1) : null;
        List<String> problems = AgentConfig.agentArgumentProblems(agentArgs);
        if (!problems.isEmpty()) {
            err.println("not attached: the agent arguments have " + problems.size() + " problem(s):");
            for (String p : problems) {
                err.println("  " + p);
            }
            return INVALID_ARGUMENTS;
        }
        return attach(pid, agentArgs);
    }

    private int list() {
        AttachApi api = AttachApi.load(err);
        if (api == null) {
            return CANNOT_ATTACH;
        }
        try {
            String self = selfPid();
            int n = 0;
            for (Object d : api.list()) {
                String id = api.id(d);
                if (id.equals(self)) {
                    continue;
                }
                String name = api.displayName(d);
                out.println(id + "\t" + (name == null || name.isEmpty() ? "(no name)" : name));
                n++;
            }
            if (n == 0) {
                err.println("no JVM of this user found (JVMs run by another user, in another container, or with"
                        + " -XX:-UsePerfData are not listed)");
            }
            return STARTED;
        } catch (Throwable t) {
            err.println("cannot list JVMs: " + message(t));
            return CANNOT_ATTACH;
        }
    }

    private int attach(String pid, String agentArgs) {
        File jar = agentJar();
        if (jar == null) {
            err.println("cannot locate lanes-agent.jar from the command's own code source");
            return USAGE;
        }
        AttachApi api = AttachApi.load(err);
        if (api == null) {
            return CANNOT_ATTACH;
        }
        String refusal = refusal(api, pid);
        if (refusal != null) {
            err.println("not attached: " + refusal);
            return CANNOT_ATTACH;
        }
        Object vm;
        try {
            vm = api.attach(pid);
        } catch (Throwable t) {
            err.println("cannot attach to JVM " + pid + ": " + message(t) + ". The Attach API reaches JVMs of the"
                    + " same user on this machine (in the same container); a JVM started with"
                    + " -XX:+DisableAttachMechanism refuses it.");
            return CANNOT_ATTACH;
        }
        try {
            String before = state(api, vm);
            if ("started".equals(before)) {
                err.println("Lanes already runs in JVM " + pid + "; nothing loaded, its settings stay as they are"
                        + " (a JVM runs the agent once: restart it to change them)");
                return NOT_STARTED;
            }
            if ("failed".equals(before)) {
                err.println("Lanes already failed to start in JVM " + pid + " (its standard error says why);"
                        + " nothing loaded: a JVM runs the agent once, restart it to try again");
                return NOT_STARTED;
            }
            try {
                api.loadAgent(vm, jar.getAbsolutePath(), agentArgs);
            } catch (Throwable t) {
                err.println("cannot load the agent into JVM " + pid + ": " + message(t));
                return CANNOT_ATTACH;
            }
            String after = state(api, vm);
            if ("started".equals(after)) {
                out.println("Lanes started in JVM " + pid + (agentArgs == null ? "" : " with " + agentArgs)
                        + "; its log goes to that JVM's standard error");
                return STARTED;
            }
            err.println("the agent was loaded into JVM " + pid + " but Lanes "
                    + ("failed".equals(after) ? "failed to start" : "did not report a start") + "; the application"
                    + " carries on without it, and its standard error says why");
            return NOT_STARTED;
        } catch (Throwable t) {
            err.println("lost the connection to JVM " + pid + ": " + message(t));
            return CANNOT_ATTACH;
        } finally {
            try {
                api.detach(vm);
            } catch (Throwable ignored) {
                // The JVM may have gone; nothing is held on this side.
            }
        }
    }

    /** The launcher's report; its name is a compile-time constant, so no launcher class loads here. */
    private static String state(AttachApi api, Object vm) throws Exception {
        return api.systemProperties(vm).getProperty(LanesAgent.STATE_PROPERTY);
    }

    /**
     * Why not to attach to {@code pid}, or null. On Linux the Attach API starts a JVM's attach
     * listener with SIGQUIT (and JDKs before 21 send it to any process), which ends a process that
     * is no JVM; so a pid that the Attach API does not list must at least handle that signal.
     */
    private String refusal(AttachApi api, String pid) {
        try {
            for (Object d : api.list()) {
                if (pid.equals(api.id(d))) {
                    return null;
                }
            }
        } catch (Throwable t) {
            // Fall through to the process check.
        }
        File proc = new File("/proc");
        if (!proc.isDirectory()) {
            return null;
        }
        File status = new File(proc, pid + "/status");
        if (!status.isFile()) {
            return "no process with id " + pid;
        }
        String socket = "tmp/.java_pid" + pid;
        if (new File("/" + socket).exists() || new File(proc, pid + "/root/" + socket).exists()) {
            return null; // its attach listener already runs (as with -Xrs): no signal is sent
        }
        try {
            for (String line : Files.readAllLines(status.toPath(), StandardCharsets.UTF_8)) {
                if (line.startsWith("SigCgt:")) {
                    long caught = Long.parseLong(line.substring("SigCgt:".length()).trim(), 16);
                    return (caught & SIGQUIT_BIT) != 0 ? null : "process " + pid + " is not a JVM (it does not"
                            + " handle SIGQUIT, which the Attach API sends and which would end it)";
                }
            }
        } catch (IOException | RuntimeException e) {
            // Unreadable: let the Attach API decide.
        }
        return null;
    }

    private static File agentJar() {
        try {
            CodeSource source = AttachCommand.class.getProtectionDomain().getCodeSource();
            URL location = source == null ? null : source.getLocation();
            File file = location == null ? null : new File(location.toURI());
            return file != null && file.isFile() ? file : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static String selfPid() {
        try {
            String name = java.lang.management.ManagementFactory.getRuntimeMXBean().getName();
            int at = name.indexOf('@');
            return at > 0 ? name.substring(0, at) : name;
        } catch (Throwable t) {
            return "";
        }
    }

    private static String message(Throwable t) {
        Throwable cause = t;
        while (cause instanceof InvocationTargetException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String m = cause.getMessage();
        return cause.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    /**
     * The Attach API through reflection. Methods are looked up on the public API types, never on
     * the JDK's implementation classes, which its module does not export.
     */
    private static final class AttachApi {
        private final Method attach;
        private final Method list;
        private final Method loadAgent;
        private final Method systemProperties;
        private final Method detach;
        private final Method id;
        private final Method displayName;

        private AttachApi(Class<?> vm, Class<?> descriptor) throws NoSuchMethodException {
            attach = vm.getMethod("attach", String.class);
            list = vm.getMethod("list");
            loadAgent = vm.getMethod("loadAgent", String.class, String.class);
            systemProperties = vm.getMethod("getSystemProperties");
            detach = vm.getMethod("detach");
            id = descriptor.getMethod("id");
            displayName = descriptor.getMethod("displayName");
        }

        /** The API of this Java, or null after saying why there is none. */
        static AttachApi load(PrintStream err) {
            String home = System.getProperty("java.home");
            try {
                ClassLoader loader = AttachCommand.class.getClassLoader();
                Class<?> vm;
                try {
                    vm = Class.forName(VIRTUAL_MACHINE, true, loader);
                } catch (ClassNotFoundException e) {
                    // Java 8: the API is in the JDK's lib/tools.jar (java.home is the JDK's jre/).
                    File tools = new File(home, "../lib/tools.jar");
                    if (!tools.isFile()) {
                        throw e;
                    }
                    loader = new URLClassLoader(new URL[]{tools.toURI().toURL()}, loader);
                    vm = Class.forName(VIRTUAL_MACHINE, true, loader);
                }
                return new AttachApi(vm, Class.forName(DESCRIPTOR, true, loader));
            } catch (Throwable t) {
                err.println("this Java (" + home + ") has no Attach API (" + message(t) + "): it is in a JDK, not"
                        + " in a JRE (Java 9+: the module jdk.attach; Java 8: lib/tools.jar). Run the command with"
                        + " a JDK's java: /path/to/jdk/bin/java -jar lanes-agent.jar attach ...");
                return null;
            }
        }

        Object attach(String pid) throws Exception {
            return call(attach, null, pid);
        }

        List<?> list() throws Exception {
            return new ArrayList<Object>((List<?>) call(list, null));
        }

        void loadAgent(Object vm, String jar, String options) throws Exception {
            call(loadAgent, vm, jar, options);
        }

        Properties systemProperties(Object vm) throws Exception {
            return (Properties) call(systemProperties, vm);
        }

        void detach(Object vm) throws Exception {
            call(detach, vm);
        }

        String id(Object descriptor) throws Exception {
            return (String) call(id, descriptor);
        }

        String displayName(Object descriptor) throws Exception {
            return (String) call(displayName, descriptor);
        }

        private static Object call(Method m, Object target, Object... args) throws Exception {
            try {
                return m.invoke(target, args);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Exception) {
                    throw (Exception) cause;
                }
                throw e;
            }
        }
    }
}
