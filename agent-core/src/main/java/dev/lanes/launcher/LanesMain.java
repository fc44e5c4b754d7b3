package dev.lanes.launcher;

import java.io.File;
import java.lang.reflect.Method;

/**
 * {@code Main-Class} of lanes-agent.jar: {@code java -jar lanes-agent.jar <command> ...} runs
 * the agent's command-line tools (version, rules) in the same isolated loader the agent uses.
 */
public final class LanesMain {

    private LanesMain() {
    }

    public static void main(String[] args) throws Exception {
        File jar = new File(LanesMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        // The bridge is on the class path here (not the bootstrap path, as under -javaagent).
        ClassLoader loader = new AgentClassLoader(jar, LanesMain.class.getClassLoader());
        Class<?> cli = Class.forName("dev.lanes.core.cli.LanesCli", true, loader);
        Method run = cli.getMethod("run", String[].class);
        int code = (Integer) run.invoke(null, (Object) args);
        System.exit(code);
    }
}
