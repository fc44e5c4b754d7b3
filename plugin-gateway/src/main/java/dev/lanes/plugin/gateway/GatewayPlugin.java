package dev.lanes.plugin.gateway;

import dev.lanes.core.plugin.LanesPlugin;
import dev.lanes.core.plugin.Support;
import dev.lanes.core.plugin.TypeInstrumentation;
import dev.lanes.plugin.gateway.webflux.FilteringWebHandlerInstrumentation;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Spring Cloud Gateway (WebFlux) as the entry: registers one {@code GlobalFilter} of the agent's
 * in the gateway's filter chain, which puts the tag the gateway decided (carried from a trusted
 * source, dyed by an ingress rule, or the gateway instance's own) and the carried headers on
 * every proxied request before the route's {@code lb://} choice and the forwarding, and makes
 * the gateway an entry of the trust boundary. Gateway 3.1 to 5.x (Spring Cloud 2021.0 to 2025.1).
 */
public final class GatewayPlugin implements LanesPlugin {

    private static final String HELPERS = "dev.lanes.plugin.gateway.";

    private static final List<String> HELPER_CLASS_NAMES = Collections.unmodifiableList(Arrays.asList(
            // Shared with the springweb plugin, defined again here (a no-op where it is there) so that
            // this plugin works where springweb is switched off.
            "dev.lanes.plugin.springcloud.web.common.Baggage",
            "dev.lanes.plugin.springcloud.web.common.QueryStrings",
            "dev.lanes.plugin.springcloud.web.common.InboundTags",
            "dev.lanes.plugin.springcloud.web.webflux.ServerHttpRequestView",
            HELPERS + "common.HeaderEdits",
            HELPERS + "common.ProxiedHeaders",
            HELPERS + "webflux.LanesGlobalFilter",
            HELPERS + "webflux.GatewayFilterHelper"));

    private static final List<TypeInstrumentation> INSTRUMENTATIONS = Collections.unmodifiableList(
            Arrays.<TypeInstrumentation>asList(new FilteringWebHandlerInstrumentation()));

    @Override
    public String name() {
        return "gateway";
    }

    @Override
    public Support support(ClassLoader loader) {
        return GatewayVersion.support(loader);
    }

    @Override
    public List<TypeInstrumentation> typeInstrumentations() {
        return INSTRUMENTATIONS;
    }

    @Override
    public List<String> helperClassNames() {
        return HELPER_CLASS_NAMES;
    }
}
