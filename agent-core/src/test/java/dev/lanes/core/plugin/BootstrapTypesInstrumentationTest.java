package dev.lanes.core.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.util.jar.JarFile;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.pool.TypePool;
import org.junit.jupiter.api.Test;

/**
 * Another agent that transforms a class before Lanes may add an interface of its own, from a jar
 * it appended to the bootstrap class path (the OpenTelemetry Java agent's
 * {@code VirtualFieldInstalledMarker}). The bootstrap loader does not show such jars' class
 * files, so Lanes' type pool describes those types by the loaded class; before, building the
 * transformed type's method graph failed and the class stayed untransformed.
 */
class BootstrapTypesInstrumentationTest {

    private static final String MARKER = "dev.lanes.test.otheragent.InstalledMarker";
    private static final String MARKED = "dev.lanes.test.app.MarkedByAnotherAgent";

    @Test
    void aTypeThatAnotherAgentAppendedToTheBootstrapIsDescribed() throws Exception {
        DynamicType.Unloaded<?> marker = new ByteBuddy().makeInterface().name(MARKER).make();
        byte[] marked = new ByteBuddy().subclass(Object.class).name(MARKED)
                .implement(marker.getTypeDescription()).make().getBytes();
        ClassFileLocator inFlight = ClassFileLocator.Simple.of(MARKED, marked);
        ClassLoader application = getClass().getClassLoader();

        TypePool before = TypeCaches.instance().typePool(inFlight, application, MARKED);
        TypeDescription unresolved = before.describe(MARKED).resolve();
        assertThrows(TypePool.Resolution.NoSuchTypeException.class,
                () -> MethodGraph.Compiler.DEFAULT.compile((TypeDescription) unresolved),
                "the marker is nowhere yet");

        File jar = Files.createTempFile("other-agent-bootstrap", ".jar").toFile();
        jar.deleteOnExit();
        marker.toJar(jar);
        Instrumentation instrumentation = ByteBuddyAgent.install();
        instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(jar));
        assertEquals(null, ClassLoader.getSystemClassLoader().getParent().getResource(MARKER.replace('.', '/') + ".class"),
                "the appended jar's class files are not visible as resources");

        // Forget the failed look-up: an agent appends its jar in its premain, before any class
        // Lanes transforms can name its types.
        TypeCaches.instance().clear();
        TypePool after = TypeCaches.instance().typePool(inFlight, application, MARKED);
        TypeDescription described = after.describe(MARKED).resolve();
        MethodGraph.Linked graph = MethodGraph.Compiler.DEFAULT.compile((TypeDescription) described);
        assertTrue(graph.listNodes().size() > 0, "the method graph is built");
        TypeDescription markerType = described.getInterfaces().asErasures().getOnly();
        assertEquals(MARKER, markerType.getName());
        assertTrue(markerType.isInterface());
        assertEquals(null, Class.forName(MARKER, false, null).getClassLoader(), "it is the bootstrap's");
    }
}
