package dev.lanes.plugin.springcloud.web;

import dev.lanes.core.plugin.LanesPlugin;
import dev.lanes.core.plugin.Support;
import dev.lanes.core.plugin.TypeInstrumentation;
import dev.lanes.plugin.springcloud.web.async.SimpleAsyncTaskExecutorInstrumentation;
import dev.lanes.plugin.springcloud.web.client.ClientHttpRequestInstrumentation;
import dev.lanes.plugin.springcloud.web.client.FeignRequestTemplateInstrumentation;
import dev.lanes.plugin.springcloud.web.client.WebClientBuilderInstrumentation;
import dev.lanes.plugin.springcloud.web.servlet.jakarta.JakartaFilterInstrumentation;
import dev.lanes.plugin.springcloud.web.servlet.jakarta.JakartaServletInstrumentation;
import dev.lanes.plugin.springcloud.web.servlet.javax.JavaxFilterInstrumentation;
import dev.lanes.plugin.springcloud.web.servlet.javax.JavaxServletInstrumentation;
import dev.lanes.plugin.springcloud.web.webflux.HandlerFunctionAdapterInstrumentation;
import dev.lanes.plugin.springcloud.web.webflux.HttpWebHandlerAdapterInstrumentation;
import dev.lanes.plugin.springcloud.web.webflux.InvocableHandlerMethodInstrumentation;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Traffic-tag propagation for Spring web applications, Spring Framework 5.3 to 7: inbound
 * extraction and dyeing (servlet, javax and jakarta; WebFlux), outbound injection
 * (RestTemplate, RestClient, WebClient, OpenFeign) and Spring's thread-per-task executor.
 */
public final class SpringWebPlugin implements LanesPlugin {

    private static final String WEB = "dev.lanes.plugin.springcloud.web.";

    @Override
    public String name() {
        return "springweb";
    }

    @Override
    public Support support(ClassLoader loader) {
        return SpringWebVersion.check(loader);
    }

    @Override
    public List<TypeInstrumentation> typeInstrumentations() {
        return Collections.unmodifiableList(Arrays.<TypeInstrumentation>asList(
                new JavaxServletInstrumentation(),
                new JavaxFilterInstrumentation(),
                new JakartaServletInstrumentation(),
                new JakartaFilterInstrumentation(),
                new HttpWebHandlerAdapterInstrumentation(),
                new InvocableHandlerMethodInstrumentation(),
                new HandlerFunctionAdapterInstrumentation(),
                new ClientHttpRequestInstrumentation(),
                new WebClientBuilderInstrumentation(),
                new FeignRequestTemplateInstrumentation(),
                new SimpleAsyncTaskExecutorInstrumentation()));
    }

    /**
     * Every helper implements or extends only JDK and bridge types, so each can be defined in
     * any application class loader, whichever of servlet, WebFlux or Feign it lacks.
     */
    @Override
    public List<String> helperClassNames() {
        return Collections.unmodifiableList(Arrays.asList(
                WEB + "common.Baggage",
                WEB + "common.QueryStrings",
                WEB + "common.InboundTags",
                WEB + "common.OutboundTags",
                WEB + "servlet.javax.JavaxRequestView",
                WEB + "servlet.javax.JavaxServletInboundHelper",
                WEB + "servlet.jakarta.JakartaRequestView",
                WEB + "servlet.jakarta.JakartaServletInboundHelper",
                WEB + "webflux.ServerHttpRequestView",
                WEB + "webflux.WebFluxInboundHelper",
                WEB + "webflux.WebFluxInboundHelper$RequestEnded",
                WEB + "client.SpringHeaderTags",
                WEB + "client.ClientHttpRequestHelper",
                WEB + "client.WebClientHelper",
                WEB + "client.FeignHelper"));
    }
}
