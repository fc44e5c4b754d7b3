package dev.lanes.plugin.dubbo.common;

import static dev.lanes.plugin.dubbo.Fixtures.invocation;
import static dev.lanes.plugin.dubbo.Fixtures.list;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.bridge.TrafficContext;
import dev.lanes.plugin.dubbo.Fixtures;
import dev.lanes.plugin.dubbo.Fixtures.Provider;
import java.util.List;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.metadata.MetadataService;
import org.apache.dubbo.rpc.Invoker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which services are Dubbo's own: exact names, so that a user's service under
 * {@code org.apache.dubbo} (as in Dubbo's official samples) gets its tag published and its
 * calls routed, while Dubbo's metadata service is left to Dubbo.
 */
class ServiceNamesTest {

    /** The interface of Dubbo's own samples, in the package they use. */
    static final String SAMPLES_SERVICE = "org.apache.dubbo.samples.api.GreetingsService";

    @AfterEach
    void reset() {
        Fixtures.reset();
    }

    @Test
    void dubbosOwnServicesAreKnownByTheirRealNames() {
        // The types of the Dubbo jar this module compiles against (3.1.11), not copies of their names.
        assertTrue(ServiceNames.isDubboInternal(MetadataService.class.getName()));
        assertTrue(ServiceNames.isDubboInternal(org.apache.dubbo.monitor.MonitorService.class.getName()));
        assertTrue(ServiceNames.isDubboInternal(org.apache.dubbo.monitor.MetricsService.class.getName()));
        assertTrue(ServiceNames.isDubboInternal(
                org.apache.dubbo.common.metrics.service.MetricsService.class.getName()));
        assertTrue(ServiceNames.isDubboInternal(io.grpc.health.v1.Health.SERVICE_NAME));
        assertTrue(ServiceNames.isDubboInternal(io.grpc.health.v1.Health.JAVA_SERVICE_NAME));
        assertTrue(ServiceNames.isDubboInternal(io.grpc.reflection.v1alpha.ServerReflection.SERVICE_NAME));
        // 3.3's Triple metadata service, absent from 3.1.
        assertTrue(ServiceNames.isDubboInternal("org.apache.dubbo.metadata.MetadataServiceV2"));
    }

    @Test
    void usersServicesInDubbosPackagesAreTheirs() {
        assertFalse(ServiceNames.isDubboInternal(SAMPLES_SERVICE));
        assertFalse(ServiceNames.isDubboInternal("org.apache.dubbo.springboot.demo.DemoService"));
        assertFalse(ServiceNames.isDubboInternal("org.apache.dubbo.metadata.MetadataServiceExtra"));
        assertFalse(ServiceNames.isDubboInternal("com.example.GreetingService"));
        assertFalse(ServiceNames.isDubboInternal(null));
    }

    @Test
    void aSamplesServiceIsRoutedByLaneAndDubbosMetadataServiceIsLeftAlone() throws Exception {
        Fixtures.install(null, null, null);
        Provider base = provider(SAMPLES_SERVICE, 20880, "");
        Provider gray = provider(SAMPLES_SERVICE, 20881, "lanes.tag=gray");
        @SuppressWarnings({"unchecked", "rawtypes"})
        List<Invoker<Object>> samples = (List) list(base, gray);
        URL consumer = URL.valueOf("consumer://127.0.0.1/" + SAMPLES_SERVICE + "?interface=" + SAMPLES_SERVICE);
        assertEquals(list(base), DubboRouting.route(samples, consumer, invocation("sayHi", "x")));
        TrafficContext.attach("gray");
        assertEquals(list(gray), DubboRouting.route(samples, consumer, invocation("sayHi", "x")));

        String metadataService = MetadataService.class.getName();
        @SuppressWarnings({"unchecked", "rawtypes"})
        List<Invoker<Object>> metadata = (List) list(provider(metadataService, 20880, ""),
                provider(metadataService, 20881, "lanes.tag=gray"));
        URL metadataConsumer = URL.valueOf("consumer://127.0.0.1/" + metadataService + "?interface=" + metadataService);
        assertSame(metadata, DubboRouting.route(metadata, metadataConsumer, invocation("getMetadataInfo", "r")));
    }

    @Test
    void aSamplesServicePublishesItsTagAndDubbosMetadataServiceNothing() {
        ServiceConfig<Object> samples = new ServiceConfig<>();
        samples.setInterface(SAMPLES_SERVICE);
        ServiceParameters.publish(samples, "gray", 7L, 0L);
        assertEquals("gray", samples.getParameters().get("lanes.tag"));

        ServiceConfig<Object> metadata = new ServiceConfig<>();
        metadata.setInterface(MetadataService.class.getName());
        ServiceParameters.publish(metadata, "gray", 7L, 0L);
        assertNull(metadata.getParameters());
    }

    private static Provider provider(String service, int port, String parameters) {
        return new Provider(URL.valueOf("dubbo://127.0.0.1:" + port + "/" + service + "?interface=" + service
                + (parameters.isEmpty() ? "" : "&" + parameters)));
    }
}
