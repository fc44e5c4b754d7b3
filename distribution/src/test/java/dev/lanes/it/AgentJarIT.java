package dev.lanes.it;

import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Inspects the agent jar: one namespace, Java 8 bytecode, the layers where they belong. */
class AgentJarIT {

    @Test
    void everyClassIsJava8BytecodeInTheProjectNamespace() throws IOException {
        List<String> problems = new ArrayList<>();
        int classes = 0;
        int bundled = 0;
        try (JarFile jar = new JarFile(ChildJvm.agentJar().toFile())) {
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                JarEntry entry = e.nextElement();
                String name = entry.getName();
                if (name.startsWith("lanes-inst/bundles/") && name.endsWith(".jar")) {
                    bundled += checkBundle(jar, entry, problems);
                    continue;
                }
                boolean classFile = name.endsWith(".class") || name.endsWith(".classdata");
                if (!classFile) {
                    continue;
                }
                classes++;
                try (InputStream in = jar.getInputStream(entry)) {
                    check(name.startsWith("lanes-inst/") ? name.substring("lanes-inst/".length()) : name, name, in,
                            problems);
                }
            }
        }
        assertTrue(classes > 1000, "expected the agent with Byte Buddy, found " + classes + " classes");
        assertTrue(bundled > 5000, "expected the rule-center clients in bundles, found " + bundled + " classes");
        if (!problems.isEmpty()) {
            fail(problems.size() + " problems, first ones:\n" + String.join("\n", problems.subList(0,
                    Math.min(30, problems.size()))));
        }
    }

    /** Checks the classes of one bundle (a jar inside the agent jar); returns how many there are. */
    private static int checkBundle(JarFile jar, JarEntry bundle, List<String> problems) throws IOException {
        int classes = 0;
        try (JarInputStream in = new JarInputStream(jar.getInputStream(bundle))) {
            for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
                if (entry.getName().endsWith(".class")) {
                    classes++;
                    check(entry.getName(), bundle.getName() + "!/" + entry.getName(), in, problems);
                }
            }
        }
        return classes;
    }

    private static void check(String className, String where, InputStream in, List<String> problems)
            throws IOException {
        if (!className.startsWith("dev/lanes/")) {
            problems.add(where + " is outside the dev.lanes namespace");
        }
        int major = majorVersion(in);
        if (major > 52) {
            problems.add(where + " has class-file major version " + major + " (Java 8 is 52)");
        }
    }

    @Test
    void theRuleCenterClientsAreBundledAndIndexed() throws IOException {
        try (JarFile jar = new JarFile(ChildJvm.agentJar().toFile())) {
            assertTrue(jar.getEntry("lanes-inst/bundles/nacos.jar") != null);
            assertTrue(jar.getEntry("lanes-inst/bundles/zookeeper.jar") != null);
            assertTrue(jar.getEntry("lanes-inst/dev/lanes/shaded/nacos/api/NacosFactory.classdata") == null,
                    "nacos-client outside its bundle");
            java.util.Properties index = new java.util.Properties();
            try (InputStream in = jar.getInputStream(jar.getEntry("lanes-inst/bundles.properties"))) {
                index.load(in);
            }
            assertEquals("nacos", index.getProperty("dev/lanes/shaded/nacos/"));
            assertEquals("zookeeper", index.getProperty("dev/lanes/shaded/curator/"));
        }
    }

    @Test
    void onlyLauncherAndBridgeAreVisibleOutsideTheAgentLoader() throws IOException {
        List<String> visible = new ArrayList<>();
        try (JarFile jar = new JarFile(ChildJvm.agentJar().toFile())) {
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                String name = e.nextElement().getName();
                if (name.endsWith(".class")) {
                    visible.add(name);
                    assertTrue(name.startsWith("dev/lanes/launcher/") || name.startsWith("dev/lanes/bridge/"),
                            name + " is loadable by the application's class loaders");
                }
                assertTrue(!name.startsWith("META-INF/versions/"), "multi-release entry " + name);
            }
            assertTrue(visible.contains("dev/lanes/launcher/LanesAgent.class"));
            assertTrue(visible.contains("dev/lanes/bridge/TrafficContext.class"));
            assertTrue(jar.getEntry("lanes-inst/dev/lanes/core/AgentStarter.classdata") != null);
            assertTrue(jar.getEntry("lanes-inst/dev/lanes/shaded/bytebuddy/ByteBuddy.classdata") != null);
            assertTrue(jar.getEntry("lanes-inst/META-INF/services/dev.lanes.core.plugin.LanesPlugin") != null);
        }
    }

    @Test
    void manifestDeclaresBothEntryPoints() throws IOException {
        try (JarFile jar = new JarFile(ChildJvm.agentJar().toFile())) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertEquals("dev.lanes.launcher.LanesAgent", main.getValue("Premain-Class"));
            assertEquals("dev.lanes.launcher.LanesAgent", main.getValue("Agent-Class"));
            assertEquals("true", main.getValue("Can-Retransform-Classes"));
            assertTrue(main.getValue("Implementation-Version") != null);
        }
    }

    /** Reads the version from the start of {@code in}; the caller closes it. */
    private static int majorVersion(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        if (data.readInt() != 0xCAFEBABE) {
            return Integer.MAX_VALUE;
        }
        data.readUnsignedShort();
        return data.readUnsignedShort();
    }
}
