package dev.lanes.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanes.demo.runner.DemoLine;
import dev.lanes.demo.runner.Hop;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gateway scenarios on Spring Cloud Gateway 4.3.0 (WebFlux; Spring Cloud 2025.0.0, Boot 3.5.7),
 * JDK 17; and on the same line's Gateway Server MVC 4.3.0 (the servlet gateway,
 * demo-services/gateway-app/mvc35, the same routes), a base and a gray instance of it in the same
 * topology: node dyeing, an ingress rule and the trust boundary, on {@code lb://} and
 * {@code http://} routes. The ingress rule and the forged tag also run against the WebFlux gateway
 * of the lines before and after, a base instance of each in front of the same Boot 3.5 services:
 * Gateway 4.1.9 (Spring Cloud 2023.0.6, Boot 3.3.13, gateway-app/boot33) and 5.0.4 (Spring Cloud
 * 2025.1.4, Boot 4.0.7, gateway-app/boot40). They share this topology rather than have one each
 * (a topology costs minutes of the suite's 30): a gateway is upgraded on its own schedule, in
 * front of the services as they are. The ingress rule is their dyeing: a gray instance of each,
 * for node dyeing, would cost two more gateway JVMs' start-up.
 */
class Gateway43Boot35IT extends GatewayScenarios {

    private static final List<String> BASE = List.of("-", "-", "-");
    private static final List<String> GRAY = List.of("gray", "gray", "gray");
    private static final List<String> DEV1 = List.of("dev1", "dev1", "dev1");

    Gateway43Boot35IT() {
        super(DemoLine.BOOT35, "boot35", "mvc35",
                List.of(new OtherGateway("gw41", "boot33"), new OtherGateway("gw50", "boot40")));
    }

    // ---- WebFlux gateways of other lines: gw41-base (Gateway 4.1.9), gw50-base (Gateway 5.0.4) ----

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gw41-base", "gw50-base"})
    @Order(7)
    @DisplayName("Gateway 4.1 and 5.0: an ingress rule at the gateway dyes the proxied request, on lb:// and http:// routes")
    void otherLineIngressRule(String gateway) throws Exception {
        ingressRule(gateway);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gw41-base", "gw50-base"})
    @Order(8)
    @DisplayName("Gateway 4.1 and 5.0: a client's forged x-lanes-tag is dropped, on lb:// and http:// routes")
    void otherLineForgedTagDropped(String gateway) throws Exception {
        forgedTagDropped(gateway, null);
    }

    @Test
    @Order(4)
    @DisplayName("Gateway Server MVC: untagged stays base; the gray MVC gateway dyes gray (node dyeing), on lb:// and http:// routes")
    void mvcNodeDyeing() throws Exception {
        for (int i = 0; i < REQUESTS; i++) {
            expect(get(gateway("mvc-base") + "/chain", Map.of()), "mvc-base -> a-base -> b-base -> c-base", BASE);
            expect(get(gateway("mvc-gray") + "/chain", Map.of()), "mvc-gray -> a-gray -> b-base -> c-gray", GRAY);
            expect(get(gateway("mvc-gray") + "/direct/chain", Map.of()), "mvc-gray -> a-base -> b-base -> c-gray",
                    GRAY);
        }
    }

    @Test
    @Order(5)
    @DisplayName("Gateway Server MVC: an ingress rule at the gateway dyes the proxied request, on lb:// and http:// routes")
    void mvcIngressRule() throws Exception {
        for (int i = 0; i < REQUESTS; i++) {
            expect(get(gateway("mvc-base") + "/chain", Map.of("x-canary", "1")),
                    "mvc-base -> a-gray -> b-base -> c-gray", GRAY);
            expect(get(gateway("mvc-base") + "/direct/chain", Map.of("x-canary", "1")),
                    "mvc-base -> a-base -> b-base -> c-gray", GRAY);
            expect(get(gateway("mvc-base") + "/direct/chain", Map.of()), "mvc-base -> a-base -> b-base -> c-base",
                    BASE);
        }
    }

    /**
     * The MVC gateway forwards every header the client sent; these requests fail unless the agent
     * takes off what an untrusted client sent of the lanes headers, for the gateway's own
     * {@code lb://} choice (a forged {@code gray} would pick a-gray) and on the proxied request (a
     * forged {@code dev1} would reach c-dev1, a forged {@code x-env} every hop).
     */
    @Test
    @Order(6)
    @DisplayName("Gateway Server MVC: a client's forged x-lanes-tag, baggage and x-env are dropped, the access layer's secret is honoured")
    void mvcTrustBoundary() throws Exception {
        for (int i = 0; i < REQUESTS; i++) {
            expect(get(gateway("mvc-base") + "/chain", Map.of("x-lanes-tag", "gray", "x-env", "dev1")),
                    "mvc-base -> a-base -> b-base -> c-base", BASE, List.of("-", "-", "-"));
            expect(get(gateway("mvc-base") + "/direct/chain", Map.of("x-lanes-tag", "dev1",
                    "baggage", "lanes.tag=dev1")), "mvc-base -> a-base -> b-base -> c-base", BASE);
            // A forged tag does not undo node dyeing: the gray gateway's own tag wins.
            expect(get(gateway("mvc-gray") + "/chain", Map.of("x-lanes-tag", "dev1")),
                    "mvc-gray -> a-gray -> b-base -> c-gray", GRAY);
            // A wrong secret is no secret.
            expect(get(gateway("mvc-base") + "/chain", Map.of("x-lanes-tag", "gray", SECRET_HEADER, SECRET + "0")),
                    "mvc-base -> a-base -> b-base -> c-base", BASE);
            // The access layer's secret: its tag and x-env are honoured and carried down the chain.
            expect(get(gateway("mvc-base") + "/chain", Map.of("x-lanes-tag", "dev1", "x-env", "dev1",
                    SECRET_HEADER, SECRET)), "mvc-base -> a-base -> b-base -> c-dev1", DEV1, DEV1);
        }
    }

    private static void expect(Answer a, String path, List<String> seenTags, List<String> seenEnvs) {
        expect(a, path, seenTags);
        List<String> envs = new ArrayList<>();
        for (Hop hop : a.chain().hops()) {
            envs.add(hop.seenEnv() == null ? "-" : hop.seenEnv());
        }
        assertEquals(seenEnvs, envs, () -> "x-env seen at each hop of " + a.path());
    }
}
