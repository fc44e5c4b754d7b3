package dev.lanes.plugin.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.core.plugin.Support;
import org.junit.jupiter.api.Test;

/** The MVC plugin runs on Gateway Server MVC 4.1 to 5.x and stays off elsewhere, saying why. */
class GatewayMvcVersionTest {

    @Test
    void supportedRange() {
        for (String v : new String[] {"4.1.0", "4.1.6", "4.3.0", "5.0.4", "5.1.0-M1"}) {
            assertTrue(GatewayMvcVersion.isSupported(v), v);
        }
        for (String v : new String[] {"4.0.0", "3.1.9", "6.0.0"}) {
            assertFalse(GatewayMvcVersion.isSupported(v), v);
        }
    }

    @Test
    void theGatewayOnTheTestClassPathIsFound() {
        Support support = GatewayMvcVersion.support(getClass().getClassLoader());
        assertTrue(support.isSupported(), String.valueOf(support.reason()));
    }

    @Test
    void withoutTheGatewayThePluginStaysOffAndSaysWhy() {
        Support support = GatewayMvcVersion.support(new ClassLoader(null) {
        });
        assertFalse(support.isSupported());
        assertTrue(support.reason().contains("ProxyExchangeHandlerFunction"), support.reason());
    }
}
