package dev.lanes.plugin.dubbo.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.apache.dubbo.config.ServiceConfig;
import org.junit.jupiter.api.Test;

/** The provider parameters added before a service is exported. */
class ServiceParametersTest {

    interface Greeting {
        String sayHello(String name);
    }

    @Test
    void tagAndStartAreAddedAndTheApplicationsOwnAreKept() {
        ServiceConfig<Greeting> config = new ServiceConfig<>();
        config.setInterface(Greeting.class);
        ServiceParameters.publish(config, "gray", 1_700_000_000_000L);
        assertEquals("gray", config.getParameters().get("lanes.tag"));
        assertEquals("1700000000000", config.getParameters().get("lanes.start"));

        ServiceConfig<Greeting> configured = new ServiceConfig<>();
        configured.setInterface(Greeting.class);
        configured.setParameters(Map.of("lanes.tag", "blue", "owner", "team-a"));
        ServiceParameters.publish(configured, "gray", 5L);
        assertEquals("blue", configured.getParameters().get("lanes.tag"));
        assertEquals("team-a", configured.getParameters().get("owner"));
        assertEquals("5", configured.getParameters().get("lanes.start"));

        // Exported again (another protocol, a re-export): the first start time stays.
        ServiceParameters.publish(configured, "gray", 9L);
        assertEquals("5", configured.getParameters().get("lanes.start"));
    }

    @Test
    void baseInstancesPublishTheStartOnlyAndDubbosOwnServicesNothing() {
        ServiceConfig<Greeting> config = new ServiceConfig<>();
        config.setInterface(Greeting.class);
        ServiceParameters.publish(config, null, 7L);
        assertFalse(config.getParameters().containsKey("lanes.tag"));
        assertTrue(config.getParameters().containsKey("lanes.start"));

        ServiceConfig<Object> internal = new ServiceConfig<>();
        internal.setInterface("org.apache.dubbo.metadata.MetadataService");
        ServiceParameters.publish(internal, "gray", 7L);
        assertNull(internal.getParameters());
        ServiceParameters.beforeExport("not a service config");
    }
}
