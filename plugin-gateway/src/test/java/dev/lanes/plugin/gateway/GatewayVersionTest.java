package dev.lanes.plugin.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.core.plugin.Support;
import org.junit.jupiter.api.Test;

/** The plugin runs on Gateway 3.1 to 5.x and stays off elsewhere, saying why. */
class GatewayVersionTest {

    @Test
    void supportedRange() {
        for (String v : new String[] {"3.1.0", "3.1.9", "4.1.9", "4.3.0", "5.0.4", "5.1.0-M1"}) {
            assertTrue(GatewayVersion.isSupported(v), v);
        }
        for (String v : new String[] {"2.2.10.RELEASE", "3.0.8", "6.0.0"}) {
            assertFalse(GatewayVersion.isSupported(v), v);
        }
    }

    @Test
    void theGatewayOnTheTestClassPathIsFound() {
        Support support = GatewayVersion.support(getClass().getClassLoader());
        assertTrue(support.isSupported(), String.valueOf(support.reason()));
    }

    @Test
    void withoutTheGatewayThePluginStaysOffAndSaysWhy() {
        Support support = GatewayVersion.support(new ClassLoader(null) {
        });
        assertFalse(support.isSupported());
        assertTrue(support.reason().contains("FilteringWebHandler"), support.reason());
    }
}
