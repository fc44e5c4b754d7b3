package dev.lanes.it;

import dev.lanes.launcher.AgentClassLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The relocated rule-center libraries, loaded from the real agent jar by the agent's own loader:
 * the service files, class names in strings and logging lookups they rely on survive relocation.
 */
class RelocatedLibrariesIT {

    private static AgentClassLoader loader;
    private static ClassLoader previous;

    @BeforeAll
    static void load() throws Exception {
        // As for java -jar lanes-agent.jar: the jar's root (launcher and bridge) is the parent.
        ClassLoader root = new java.net.URLClassLoader(new java.net.URL[] {ChildJvm.agentJar().toUri().toURL()},
                ClassLoader.getPlatformClassLoader());
        loader = new AgentClassLoader(ChildJvm.agentJar().toFile(), root);
        // As on the agent's own rule-source threads.
        previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(loader);
    }

    @AfterAll
    static void restore() {
        Thread.currentThread().setContextClassLoader(previous);
    }

    private static Object call(String type, String method, Object... args) throws Exception {
        Class<?> c = Class.forName(type, true, loader);
        for (Method m : c.getMethods()) {
            if (m.getName().equals(method) && m.getParameterCount() == args.length && accepts(m, args)) {
                return m.invoke(null, args);
            }
        }
        throw new AssertionError(type + "." + method + " not found");
    }

    private static boolean accepts(Method m, Object[] args) {
        for (int i = 0; i < args.length; i++) {
            if (!m.getParameterTypes()[i].isInstance(args[i])) {
                return false;
            }
        }
        return true;
    }

    @Test
    void nacosFindsItsOwnRequestTypesAndGrpcItsTransport() throws Exception {
        call("dev.lanes.shaded.nacos.common.remote.PayloadRegistry", "init");
        Class<?> query = (Class<?>) call("dev.lanes.shaded.nacos.common.remote.PayloadRegistry", "getClassByType",
                "ConfigQueryRequest");
        assertNotNull(query, "nacos' request types are registered through its relocated service file");
        assertEquals("dev.lanes.shaded.nacos.api.config.remote.request.ConfigQueryRequest", query.getName());

        Object registry = call("dev.lanes.shaded.nacos.shaded.io.grpc.ManagedChannelRegistry", "getDefaultRegistry");
        Method provider = registry.getClass().getDeclaredMethod("provider");
        provider.setAccessible(true);
        Object transport = provider.invoke(registry);
        assertNotNull(transport, "gRPC finds its Netty transport through its relocated service file");
        assertTrue(transport.getClass().getName().startsWith("dev.lanes.shaded.nacos.shaded.io.grpc.netty"),
                transport.getClass().getName());

        String json = (String) call("dev.lanes.shaded.nacos.common.utils.JacksonUtils", "toJson", Map.of("a", 1));
        assertEquals("{\"a\":1}", json, "nacos' Jackson works relocated");
    }

    @Test
    void librariesLogThroughTheAgentsBinding() throws Exception {
        Object factory = call("dev.lanes.shaded.slf4j.LoggerFactory", "getILoggerFactory");
        assertEquals("dev.lanes.rules.logging.AgentLogLoggerFactory", factory.getClass().getName());
        Object log = call("dev.lanes.shaded.apache.commons.logging.LogFactory", "getLog", "x");
        assertTrue(log.getClass().getName().startsWith("dev.lanes.shaded.apache.commons.logging.impl.SLF4J"),
                "HttpClient's commons-logging goes to SLF4J: " + log.getClass().getName());
    }

    @Test
    void theZooKeeperClientConfiguresItselfWithoutTheApplicationsClasses() throws Exception {
        Class<?> config = Class.forName("dev.lanes.shaded.zookeeper.client.ZKClientConfig", true, loader);
        Object instance = config.getConstructor().newInstance();
        assertNotNull(instance);
        Object socket = Class.forName("dev.lanes.shaded.zookeeper.ClientCnxnSocketNIO", false, loader);
        assertNotNull(socket);
    }
}
