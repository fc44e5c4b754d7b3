package dev.lanes.plugin.springcloud.loadbalancer;

import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class ServiceInstanceViewTest {

    private final ServiceInstanceView view = new ServiceInstanceView();

    private static ServiceInstance instance(String host, int port, String... metadata) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < metadata.length; i += 2) {
            map.put(metadata[i], metadata[i + 1]);
        }
        return new DefaultServiceInstance(host + ":" + port, "orders", host, port, false, map);
    }

    @Test
    void readsTheTagFromEitherSpellingOfTheKey() {
        assertEquals("gray", view.tag(instance("10.0.0.1", 80, "lanes.tag", "gray")));
        assertEquals("gray", view.tag(instance("10.0.0.1", 80, "lanes_tag", "gray")), "Consul's spelling");
        assertEquals("a", view.tag(instance("10.0.0.1", 80, "lanes.tag", "a", "lanes_tag", "b")));
        assertNull(view.tag(instance("10.0.0.1", 80)));
        assertNull(view.tag(instance("10.0.0.1", 80, "lanes.tag", "")));
    }

    @Test
    void aMalformedTagMakesABaseInstance() {
        assertNull(view.tag(instance("10.0.0.1", 80, "lanes.tag", "gray lane")));
        assertNull(view.tag(instance("10.0.0.1", 80, "lanes.tag", "-gray")));
        assertEquals("gray", view.tag(instance("10.0.0.1", 80, "lanes.tag", " gray ")));
    }

    @Test
    void anInstanceWithoutMetadataIsBase() {
        ServiceInstance noMetadata = new DefaultServiceInstance("i", "orders", "h", 1, false, null);
        assertNull(view.tag(noMetadata));
        assertEquals(-1L, view.startMillis(noMetadata));
    }

    @Test
    void parsesTheStartTimeLeniently() {
        assertEquals(1700000000000L, view.startMillis(instance("h", 1, "lanes.start", "1700000000000")));
        assertEquals(1700000000000L, view.startMillis(instance("h", 1, "lanes_start", " 1700000000000 ")));
        assertEquals(-1L, view.startMillis(instance("h", 1, "lanes.start", "soon")));
        assertEquals(-1L, view.startMillis(instance("h", 1, "lanes.start", "-5")));
        assertEquals(-1L, view.startMillis(instance("h", 1, "lanes.start", "0")));
        assertEquals(-1L, view.startMillis(instance("h", 1, "lanes.start", "")));
        assertEquals(-1L, view.startMillis(instance("h", 1, "lanes.start", "1234567890123456789012")));
        assertEquals(-1L, view.startMillis(instance("h", 1, "lanes.start", "17e11")));
        assertEquals(-1L, view.startMillis(instance("h", 1)));
    }

    @Test
    void cachedStartTimesStayCorrectWhenSlotsCollide() {
        // "Aa" and "BB" share a hash code, so they compete for one cache slot.
        assertEquals("Aa".hashCode(), "BB".hashCode());
        assertEquals(-1L, view.startMillis(instance("h", 1, "lanes.start", "Aa")));
        assertEquals(-1L, view.startMillis(instance("h", 1, "lanes.start", "BB")));
        for (long millis = 1; millis < 600; millis++) {
            assertEquals(millis, view.startMillis(instance("h", 1, "lanes.start", Long.toString(millis))));
            assertEquals(millis, view.startMillis(instance("h", 1, "lanes.start", Long.toString(millis))));
        }
    }

    @Test
    void theAddressIsHostAndPortAndIsReused() {
        String first = view.address(instance("10.0.0.7", 8080));
        assertEquals("10.0.0.7:8080", first);
        assertSame(first, view.address(instance("10.0.0.7", 8080)), "a steady state call allocates nothing");
        assertEquals("10.0.0.7:8081", view.address(instance("10.0.0.7", 8081)));
        assertEquals("10.0.0.8:8080", view.address(instance("10.0.0.8", 8080)));
        assertEquals("10.0.0.7:8080", view.address(instance("10.0.0.7", 8080)));
    }
}
