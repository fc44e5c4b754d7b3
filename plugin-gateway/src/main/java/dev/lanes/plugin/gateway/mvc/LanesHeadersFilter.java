package dev.lanes.plugin.gateway.mvc;

import dev.lanes.bridge.AgentFaults;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.cloud.gateway.server.mvc.filter.HttpHeadersFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.web.servlet.function.ServerRequest;

/**
 * The agent's request headers filter of the MVC gateway: the last of the filters the gateway
 * runs on the headers of every proxied request, {@code lb://} and {@code http://} routes alike.
 * It puts the tag the gateway decided on them as {@code x-lanes-tag}, with the carried headers,
 * and takes off what an untrusted client sent of them and the access layer's secret header
 * ({@link ClientHeaderEdit}).
 */
public final class LanesHeadersFilter implements HttpHeadersFilter.RequestHttpHeadersFilter {

    @Override
    public HttpHeaders apply(HttpHeaders headers, ServerRequest request) {
        try {
            Map<String, List<String>> rewrites = ClientRequests.rewrites(request, headers);
            if (rewrites.isEmpty()) {
                return headers;
            }
            // The headers handed in may be the request's read-only ones.
            final HttpHeaders edited = new HttpHeaders();
            headers.forEach((name, values) -> edited.put(name, new ArrayList<String>(values)));
            ClientHeaderEdit.write(rewrites, edited);
            return edited;
        } catch (Throwable t) {
            AgentFaults.report("gateway-mvc:headers-filter", t);
            return headers;
        }
    }
}
