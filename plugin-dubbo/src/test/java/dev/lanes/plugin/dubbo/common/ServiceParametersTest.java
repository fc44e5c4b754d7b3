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
        ServiceParameters.publish(config, "gray", 1_700_000_000_000L, 0L);
        assertEquals("gray", config.getParameters().get("lanes.tag"));
        assertEquals("1700000000000", config.getParameters().get("lanes.start"));

        ServiceConfig<Greeting> configured = new ServiceConfig<>();
        configured.setInterface(Greeting.class);
        configured.setParameters(Map.of("lanes.tag", "blue", "owner", "team-a"));
        ServiceParameters.publish(configured, "gray", 5L, 0L);
        assertEquals("blue", configured.getParameters().get("lanes.tag"));
        assertEquals("team-a", configured.getParameters().get("owner"));
        assertEquals("5", configured.getParameters().get("lanes.start"));

        // Exported again (another protocol, a re-export): the first start time stays.
        ServiceParameters.publish(configured, "gray", 9L, 0L);
        assertEquals("5", configured.getParameters().get("lanes.start"));
    }

    @Test
    void theLanesWarmupWindowIsPublishedAsDubbosOwnUnlessTheApplicationSetOne() {
        ServiceConfig<Greeting> config = new ServiceConfig<>();
        config.setInterface(Greeting.class);
        ServiceParameters.publish(config, null, 7L, 30_000L);
        assertEquals("30000", config.getParameters().get("warmup"));

        ServiceConfig<Greeting> own = new ServiceConfig<>();
        own.setInterface(Greeting.class);
        own.setWarmup(60_000);
        ServiceParameters.publish(own, null, 7L, 30_000L);
        assertFalse(own.getParameters().containsKey("warmup"), "the application's warmup field is kept");

        ServiceConfig<Greeting> byParameter = new ServiceConfig<>();
        byParameter.setInterface(Greeting.class);
        byParameter.setParameters(Map.of("warmup", "1000"));
        ServiceParameters.publish(byParameter, null, 7L, 30_000L);
        assertEquals("1000", byParameter.getParameters().get("warmup"));

        ServiceConfig<Greeting> fromProvider = new ServiceConfig<>();
        fromProvider.setInterface(Greeting.class);
        org.apache.dubbo.config.ProviderConfig provider = new org.apache.dubbo.config.ProviderConfig();
        provider.setWarmup(5_000);
        fromProvider.setProvider(provider);
        ServiceParameters.publish(fromProvider, null, 7L, 30_000L);
        assertFalse(fromProvider.getParameters().containsKey("warmup"), "the provider default is kept");

        ServiceConfig<Greeting> off = new ServiceConfig<>();
        off.setInterface(Greeting.class);
        ServiceParameters.publish(off, null, 7L, 0L);
        assertFalse(off.getParameters().containsKey("warmup"), "warm-up off: Dubbo's own default");
    }

    @Test
    void baseInstancesPublishTheStartOnlyAndDubbosOwnServicesNothing() {
        ServiceConfig<Greeting> config = new ServiceConfig<>();
        config.setInterface(Greeting.class);
        ServiceParameters.publish(config, null, 7L, 0L);
        assertFalse(config.getParameters().containsKey("lanes.tag"));
        assertTrue(config.getParameters().containsKey("lanes.start"));

        ServiceConfig<Object> internal = new ServiceConfig<>();
        internal.setInterface("org.apache.dubbo.metadata.MetadataService");
        ServiceParameters.publish(internal, "gray", 7L, 0L);
        assertNull(internal.getParameters());
        ServiceParameters.beforeExport("not a service config");
    }

    @Test
    void anExportedInterfaceIsListedAsProvidedAndDubbosOwnServicesAreNot() throws Exception {
        dev.lanes.core.routing.LaneRouter router = dev.lanes.plugin.dubbo.Fixtures.install(null, null, null);
        try {
            ServiceConfig<Greeting> config = new ServiceConfig<>();
            config.setInterface(Greeting.class);
            ServiceParameters.beforeExport(config);
            ServiceConfig<Object> metadata = new ServiceConfig<>();
            metadata.setInterface("org.apache.dubbo.metadata.MetadataService");
            ServiceParameters.beforeExport(metadata);
            ServiceParameters.beforeExport(config);

            assertEquals(java.util.List.of(Greeting.class.getName()), router.providedServices());
        } finally {
            dev.lanes.plugin.dubbo.Fixtures.reset();
        }
    }
}
