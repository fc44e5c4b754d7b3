package dev.lanes.plugin.gateway.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.bridge.CarriedHeaders;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

/** What the gateway's proxied request carries of the lanes, on Spring's own HttpHeaders (5.3). */
class ProxiedHeadersTest {

    @AfterEach
    void noCarriedHeaders() {
        CarriedHeaders.propagate(new String[0]);
    }

    private static HttpHeaders headers(String... namesAndValues) {
        HttpHeaders h = new HttpHeaders();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            h.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return h;
    }

    @Test
    void theDecidedTagReplacesWhatTheClientSentAndTheSecretNeverLeaves() {
        HttpHeaders h = headers("x-lanes-tag", "dev1", "x-lanes-tag", "qa", "x-lanes-entry", "s3cret",
                "baggage", "lanes.tag=dev1,other=1");
        ProxiedHeaders edit = new ProxiedHeaders("gray", null, true, "x-lanes-entry");
        assertTrue(edit.changes(h));
        edit.accept(h);
        assertEquals(List.of("gray"), h.get("x-lanes-tag"));
        assertNull(h.getFirst("x-lanes-entry"));
        assertEquals(List.of("other=1"), h.get("baggage"));
    }

    @Test
    void noDecidedTagRemovesTheClientsTag() {
        HttpHeaders h = headers("x-lanes-tag", "dev1", "baggage", "lanes.tag=dev1");
        new ProxiedHeaders(null, null, false, null).accept(h);
        assertNull(h.getFirst("x-lanes-tag"));
        assertNull(h.getFirst("baggage"));
    }

    @Test
    void anUntrustedClientsCarriedHeadersAreTakenOffATrustedOnesAreKeptAndAdded() {
        CarriedHeaders.propagate(new String[] {"x-env"});
        HttpHeaders untrusted = headers("x-env", "dev1", "baggage", "lanes.h.x-env=dev1,k=v");
        new ProxiedHeaders(null, null, false, null).accept(untrusted);
        assertNull(untrusted.getFirst("x-env"));
        assertEquals(List.of("k=v"), untrusted.get("baggage"));

        HttpHeaders trusted = headers("baggage", "lanes.h.x-env=dev1");
        ProxiedHeaders edit = new ProxiedHeaders("gray", CarriedHeaders.of("x-env", "dev1"), true, null);
        edit.accept(trusted);
        assertEquals("dev1", trusted.getFirst("x-env"));
        assertEquals("lanes.h.x-env=dev1", trusted.getFirst("baggage"));
    }

    @Test
    void aRequestThatAlreadyCarriesTheDecisionIsNotCopied() {
        assertFalse(new ProxiedHeaders(null, null, true, "x-lanes-entry").changes(headers("accept", "*/*")));
        assertFalse(new ProxiedHeaders("gray", null, true, null).changes(headers("x-lanes-tag", "gray")));
    }
}
