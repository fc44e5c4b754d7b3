package dev.lanes.plugin.gateway.mvc;

import dev.lanes.bridge.AgentFaults;
import java.util.List;
import java.util.Map;
import org.springframework.web.servlet.function.HandlerFilterFunction;
import org.springframework.web.servlet.function.HandlerFunction;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Around the MVC gateway's load balancer filter ({@code lb://} routes): hands it the request with
 * the lanes headers its proxied request will carry ({@link ClientHeaderEdit}), so that Spring
 * Cloud LoadBalancer, which reads the tag from the request's {@code x-lanes-tag}, chooses by the
 * tag the gateway decided and never by one a client forged.
 */
public final class LaneChoiceFilter implements HandlerFilterFunction<ServerResponse, ServerResponse> {

    private final HandlerFilterFunction<ServerResponse, ServerResponse> loadBalancer;

    LaneChoiceFilter(HandlerFilterFunction<ServerResponse, ServerResponse> loadBalancer) {
        this.loadBalancer = loadBalancer;
    }

    @Override
    public ServerResponse filter(ServerRequest request, HandlerFunction<ServerResponse> next) throws Exception {
        ServerRequest edited = request;
        try {
            final Map<String, List<String>> rewrites = ClientRequests.rewrites(request,
                    request.headers().asHttpHeaders());
            if (!rewrites.isEmpty()) {
                // As the gateway's own before filters change a header: a new request, the same servlet request.
                edited = ServerRequest.from(request).headers(headers -> ClientHeaderEdit.write(rewrites, headers))
                        .build();
            }
        } catch (Throwable t) {
            AgentFaults.report("gateway-mvc:lb-filter", t);
        }
        return loadBalancer.filter(edited, next);
    }
}
