package dev.lanes.launcher;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URL;
import java.security.CodeSource;
import java.util.jar.JarFile;

/**
 * {@code Premain-Class} and {@code Agent-Class} of lanes-agent.jar. Whatever goes wrong here,
 * the application starts as if the agent were absent.
 */
public final class LanesAgent {

    /**
     * System property set to {@code started} or {@code failed} once a start has run, in the JVM the
     * agent runs in: {@code java -jar lanes-agent.jar attach} reads it through the Attach API to
     * confirm the start (the agent's log goes to that JVM's standard error, out of its reach).
     */
    public static final String STATE_PROPERTY = "dev.lanes.agent";

    private static final String STARTER = "dev.lanes.core.AgentStarter";
    private static volatile boolean started;

    private LanesAgent() {
    }

    public static void premain(String args, Instrumentation inst) {
        start(args, inst, false);
    }

    public static void agentmain(String args, Instrumentation inst) {
        start(args, inst, true);
    }

    private static synchronized void start(String args, Instrumentation inst, boolean attached) {
        if (started) {
            System.err.println("[lanes] WARN the agent is already running in this JVM; ignoring a second start");
            return;
        }
        started = true;
        boolean ok = false;
        try {
            File jar = agentJar();
            if (jar == null) {
                System.err.println("[lanes] ERROR cannot locate lanes-agent.jar from the launcher's code source; "
                        + "the application continues without Lanes");
                return;
            }
            inst.appendToBootstrapClassLoaderSearch(new JarFile(jar));
            ClassLoader agentLoader = new AgentClassLoader(jar, AgentClassLoader.platformLoader());
            Class<?> starter = Class.forName(STARTER, true, agentLoader);
            Method method = starter.getMethod("start", Instrumentation.class, String.class, File.class, boolean.class);
            ok = Boolean.TRUE.equals(method.invoke(null, inst, args, jar, attached));
        } catch (Throwable t) {
            System.err.println("[lanes] ERROR the agent failed to start; the application continues without Lanes");
            t.printStackTrace();
        } finally {
            report(ok);
        }
    }

    private static void report(boolean ok) {
        try {
            System.setProperty(STATE_PROPERTY, ok ? "started" : "failed");
        } catch (Throwable t) {
            // A security manager may refuse; attach then says it cannot confirm the start.
        }
    }

    private static File agentJar() throws Exception {
        CodeSource source = LanesAgent.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return null;
        }
        URL location = source.getLocation();
        File file = new File(new URI(location.toString().replace(" ", "%20")));
        return file.isFile() ? file : null;
    }
}
