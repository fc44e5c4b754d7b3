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
            method.invoke(null, inst, args, jar, attached);
        } catch (Throwable t) {
            System.err.println("[lanes] ERROR the agent failed to start; the application continues without Lanes");
            t.printStackTrace();
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
