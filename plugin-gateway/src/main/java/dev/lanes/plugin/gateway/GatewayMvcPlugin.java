package dev.lanes.plugin.gateway;

import dev.lanes.core.plugin.LanesPlugin;
import dev.lanes.core.plugin.Support;
import dev.lanes.core.plugin.TypeInstrumentation;
import dev.lanes.plugin.gateway.mvc.LoadBalancerFilterFunctionsInstrumentation;
import dev.lanes.plugin.gateway.mvc.ProxyExchangeHandlerFunctionInstrumentation;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Spring Cloud Gateway Server MVC (the servlet gateway) as the entry: one request header filter
 * of the agent's joins the gateway's own, which puts the tag the gateway decided and the carried
 * headers on every proxied request and takes off what must not pass; the load balancer filter of
 * {@code lb://} routes chooses by that tag; and the gateway becomes an entry of the trust
 * boundary. Gateway MVC 4.1 to 5.x (Spring Cloud 2023.0 to 2025.1). A sibling of
 * {@link GatewayPlugin}: an application holds one gateway or the other, each with its own check.
 */
public final class GatewayMvcPlugin implements LanesPlugin {

    private static final String HELPERS = "dev.lanes.plugin.gateway.";

    private static final List<String> HELPER_CLASS_NAMES = Collections.unmodifiableList(Arrays.asList(
            // Shared with the springweb plugin, defined again here (a no-op where it is there) so that
            // this plugin works where springweb is switched off.
            "dev.lanes.plugin.springcloud.web.common.Baggage",
            "dev.lanes.plugin.springcloud.web.common.QueryStrings",
            "dev.lanes.plugin.springcloud.web.common.InboundTags",
            "dev.lanes.plugin.springcloud.web.servlet.jakarta.JakartaRequestView",
            "dev.lanes.plugin.springcloud.web.servlet.jakarta.JakartaServletInboundHelper",
            HELPERS + "common.HeaderEdits",
            HELPERS + "common.ProxiedHeaders",
            HELPERS + "mvc.ClientHeaderEdit",
            HELPERS + "mvc.ClientRequests",
            HELPERS + "mvc.LanesHeadersFilter",
            HELPERS + "mvc.LanesFilterProvider",
            HELPERS + "mvc.LaneChoiceFilter",
            HELPERS + "mvc.GatewayMvcHelper"));

    private static final List<TypeInstrumentation> INSTRUMENTATIONS = Collections.unmodifiableList(
            Arrays.<TypeInstrumentation>asList(new ProxyExchangeHandlerFunctionInstrumentation(),
                    new LoadBalancerFilterFunctionsInstrumentation()));

    @Override
    public String name() {
        return "gateway-mvc";
    }

    @Override
    public Support support(ClassLoader loader) {
        return GatewayMvcVersion.support(loader);
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
