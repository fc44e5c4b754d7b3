package dev.lanes.it;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Paths and helpers shared by the agent tests. */
final class Apps {

    static final String HELLO_MAIN = "example.app.HelloApp";
    private static final Pattern ADMIN = Pattern.compile("admin endpoint listening on http://127\\.0\\.0\\.1:(\\d+)/lanes");

    private Apps() {
    }

    /** The test classes: the example application lives there. */
    static String testClasses() {
        return Path.of("target", "test-classes").toAbsolutePath().toString();
    }

    static String agentOption(String args) {
        return "-javaagent:" + ChildJvm.agentJar() + (args == null || args.isEmpty() ? "" : "=" + args);
    }

    /** Builds an extension jar of the test plugins (not on any class path of the application). */
    static Path extensionJar() throws IOException {
        Path jar = Files.createTempFile("lanes-test-extension-", ".jar");
        Path classes = Path.of(testClasses());
        Path pluginDir = classes.resolve("dev/lanes/it/plugin");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out);
             Stream<Path> files = Files.walk(pluginDir)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                zip.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                zip.write(Files.readAllBytes(f));
                zip.closeEntry();
            }
            zip.putNextEntry(new JarEntry("META-INF/services/dev.lanes.core.plugin.LanesPlugin"));
            zip.write(Files.readAllBytes(classes.resolve("extension/dev.lanes.core.plugin.LanesPlugin")));
            zip.closeEntry();
        }
        return jar;
    }

    /** The admin port the agent logged, once it did. */
    static int adminPort(ChildJvm jvm) throws Exception {
        for (int i = 0; i < 200; i++) {
            Matcher m = ADMIN.matcher(jvm.log());
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the agent logged no admin endpoint\n" + jvm.describe());
    }

    static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }

    /** The text between the first {@code from} and the next {@code to} after it. */
    static String between(String text, String from, String to) {
        int a = text.indexOf(from);
        int b = a < 0 ? -1 : text.indexOf(to, a);
        if (a < 0 || b < 0) {
            throw new AssertionError("no '" + from + "' ... '" + to + "' in " + text);
        }
        return text.substring(a, b);
    }

    static List<String> jvmOptions(String... options) {
        return List.of(options);
    }

    /** Runs checks against a child JVM and, if they fail, adds its log to the failure. */
    static void verify(ChildJvm jvm, Checks checks) throws Exception {
        try {
            checks.run();
        } catch (AssertionError | Exception e) {
            System.out.println(jvm.describe());
            throw e;
        }
    }

    /** Assertions that may throw. */
    interface Checks {
        void run() throws Exception;
    }
}
