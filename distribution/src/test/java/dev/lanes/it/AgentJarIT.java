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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Inspects the agent jar: one namespace, Java 8 bytecode, the layers where they belong. */
class AgentJarIT {

    @Test
    void everyClassIsJava8BytecodeInTheProjectNamespace() throws IOException {
        List<String> problems = new ArrayList<>();
        int classes = 0;
        try (JarFile jar = new JarFile(ChildJvm.agentJar().toFile())) {
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                JarEntry entry = e.nextElement();
                String name = entry.getName();
                boolean classFile = name.endsWith(".class") || name.endsWith(".classdata");
                if (!classFile) {
                    continue;
                }
                classes++;
                String className = name.startsWith("lanes-inst/") ? name.substring("lanes-inst/".length()) : name;
                if (!className.startsWith("dev/lanes/")) {
                    problems.add(name + " is outside the dev.lanes namespace");
                }
                int major = majorVersion(jar.getInputStream(entry));
                if (major > 52) {
                    problems.add(name + " has class-file major version " + major + " (Java 8 is 52)");
                }
            }
        }
        assertTrue(classes > 1000, "expected the agent with its relocated libraries, found " + classes + " classes");
        if (!problems.isEmpty()) {
            fail(problems.size() + " problems, first ones:\n" + String.join("\n", problems.subList(0,
                    Math.min(30, problems.size()))));
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

    private static int majorVersion(InputStream in) throws IOException {
        try (DataInputStream data = new DataInputStream(in)) {
            if (data.readInt() != 0xCAFEBABE) {
                return Integer.MAX_VALUE;
            }
            data.readUnsignedShort();
            return data.readUnsignedShort();
        }
    }
}
