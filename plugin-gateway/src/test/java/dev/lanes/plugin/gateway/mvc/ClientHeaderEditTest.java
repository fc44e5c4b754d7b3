package dev.lanes.plugin.gateway.mvc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.bridge.CarriedHeaders;
import dev.lanes.plugin.gateway.common.ProxiedHeaders;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

/**
 * The MVC gateway's proxied request, on Spring's own HttpHeaders: what the client sent of the
 * lanes headers is edited as on the WebFlux gateway, what a route filter set stays.
 */
class ClientHeaderEditTest {

    private static final String SECRET = "x-lanes-entry";

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

    /** The proxied headers after the edit, as the gateway's filter writes them. */
    private static HttpHeaders edited(HttpHeaders proxied, HttpHeaders client, ProxiedHeaders edit) {
        String[] names = ClientHeaderEdit.names(SECRET);
        HttpHeaders sent = new HttpHeaders();
        for (String name : names) {
            if (!client.getValuesAsList(name).isEmpty()) {
                sent.put(name, client.get(name));
            }
        }
        Map<String, List<String>> rewrites = ClientHeaderEdit.rewrites(proxied, sent, edit, names);
        ClientHeaderEdit.write(rewrites, proxied);
        return proxied;
    }

    @Test
    void theDecidedTagReplacesTheClientsForgedOneAndTheSecretAndBaggageMemberAreTakenOff() {
        HttpHeaders client = headers("x-lanes-tag", "dev1", SECRET, "s3cret", "baggage", "lanes.tag=dev1,other=1",
                "accept", "*/*");
        HttpHeaders proxied = edited(headers("x-lanes-tag", "dev1", SECRET, "s3cret",
                "baggage", "lanes.tag=dev1,other=1", "accept", "*/*", "x-forwarded-for", "127.0.0.1"), client,
                new ProxiedHeaders("gray", null, true, SECRET));
        assertEquals(List.of("gray"), proxied.get("x-lanes-tag"));
        assertNull(proxied.getFirst(SECRET));
        assertEquals(List.of("other=1"), proxied.get("baggage"));
        assertEquals("*/*", proxied.getFirst("accept"));
        assertEquals("127.0.0.1", proxied.getFirst("x-forwarded-for"));
    }

    @Test
    void anUntrustedClientsTagAndCarriedHeadersAreTakenOff() {
        CarriedHeaders.propagate(new String[] {"x-env"});
        HttpHeaders client = headers("x-lanes-tag", "gray", "x-env", "dev1", "baggage", "lanes.h.x-env=dev1");
        HttpHeaders proxied = edited(headers("x-lanes-tag", "gray", "x-env", "dev1", "baggage", "lanes.h.x-env=dev1"),
                client, new ProxiedHeaders(null, null, false, SECRET));
        assertNull(proxied.getFirst("x-lanes-tag"));
        assertNull(proxied.getFirst("x-env"));
        assertNull(proxied.getFirst("baggage"));
    }

    @Test
    void aTrustedClientsCarriedHeadersStayAndTheDecisionsAreAdded() {
        CarriedHeaders.propagate(new String[] {"x-env", "x-user"});
        HttpHeaders client = headers("x-env", "dev1", "baggage", "lanes.h.x-user=7");
        HttpHeaders proxied = edited(headers("x-env", "dev1", "baggage", "lanes.h.x-user=7"), client,
                new ProxiedHeaders("gray", CarriedHeaders.of("x-env", "dev1", "x-user", "7"), true, SECRET));
        assertEquals(List.of("gray"), proxied.get("x-lanes-tag"));
        assertEquals(List.of("dev1"), proxied.get("x-env"));
        assertEquals(List.of("7"), proxied.get("x-user"));
        assertEquals(List.of("lanes.h.x-user=7"), proxied.get("baggage"));
    }

    @Test
    void whatARouteFilterSetWins() {
        HttpHeaders client = headers("x-lanes-tag", "dev1");
        // The route's SetRequestHeader=x-lanes-tag, qa and RemoveRequestHeader=x-lanes-entry.
        HttpHeaders proxied = edited(headers("x-lanes-tag", "qa"), headers("x-lanes-tag", "dev1", SECRET, "s3cret"),
                new ProxiedHeaders("gray", null, false, SECRET));
        assertEquals(List.of("qa"), proxied.get("x-lanes-tag"));
        assertNull(proxied.getFirst(SECRET));
        assertEquals(List.of("dev1"), client.get("x-lanes-tag"));
    }

    @Test
    void aRequestThatAlreadyCarriesTheDecisionNeedsNoRewrite() {
        String[] names = ClientHeaderEdit.names(SECRET);
        assertTrue(ClientHeaderEdit.rewrites(headers("accept", "*/*"), new HttpHeaders(),
                new ProxiedHeaders(null, null, false, SECRET), names).isEmpty());
        assertTrue(ClientHeaderEdit.rewrites(headers("x-lanes-tag", "gray"), headers("x-lanes-tag", "gray"),
                new ProxiedHeaders("gray", null, true, SECRET), names).isEmpty());
        // Already edited before the load balancer's choice: the header filter finds nothing left to do.
        assertTrue(ClientHeaderEdit.rewrites(headers("x-lanes-tag", "gray"), headers("x-lanes-tag", "dev1"),
                new ProxiedHeaders("gray", null, false, SECRET), names).isEmpty());
    }
}
