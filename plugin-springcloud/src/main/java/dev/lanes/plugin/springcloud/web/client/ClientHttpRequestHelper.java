package dev.lanes.plugin.springcloud.web.client;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.CarriedHeaders;
import dev.lanes.bridge.TrafficContext;
import org.springframework.http.HttpMessage;

/**
 * Adds the current traffic tag (the request's, else this instance's own) and the carried
 * headers to a {@code ClientHttpRequest} (RestTemplate, RestClient) before it executes.
 */
public final class ClientHttpRequestHelper {

    private ClientHttpRequestHelper() {
    }

    public static void beforeExecute(Object request) {
        String current = TrafficContext.outboundTag();
        CarriedHeaders carried = TrafficContext.headers();
        if (current == null && carried == null || !(request instanceof HttpMessage)) {
            return;
        }
        try {
            SpringHeaderTags.inject(((HttpMessage) request).getHeaders(), current, carried);
        } catch (Throwable t) {
            // Read-only headers of an unusual request type, for instance: the call goes on untagged.
            AgentFaults.report("spring-web:ClientHttpRequest.execute", t);
        }
    }
}
