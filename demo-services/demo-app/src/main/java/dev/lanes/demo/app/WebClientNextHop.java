package dev.lanes.demo.app;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * {@code demo.client=webclient}: a WebClient from the {@code @LoadBalanced WebClient.Builder},
 * blocking for the answer, as a servlet application that uses WebClient does.
 */
@Component
public class WebClientNextHop implements NextHop {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT =
            new ParameterizedTypeReference<Map<String, Object>>() { };

    private final WebClient web;

    public WebClientNextHop(WebClient.Builder loadBalanced) {
        this.web = loadBalanced.build();
    }

    @Override
    public String client() {
        return "webclient";
    }

    @Override
    public Reply call(String service) {
        return web.get().uri("http://" + service + "/chain")
                .exchangeToMono(response -> response.bodyToMono(JSON_OBJECT)
                        .defaultIfEmpty(Collections.<String, Object>emptyMap())
                        .map(body -> new Reply(response.statusCode().value(), body.isEmpty() ? null : body)))
                .block(Duration.ofSeconds(30));
    }
}
