package dev.lanes.demo.app;

import java.util.Map;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestTemplate;

/** {@code demo.client=resttemplate} (the default): the {@code @LoadBalanced RestTemplate}. */
@Component
public class RestTemplateNextHop implements NextHop {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT =
            new ParameterizedTypeReference<Map<String, Object>>() { };

    private final RestTemplate rest;

    public RestTemplateNextHop(RestTemplate rest) {
        this.rest = rest;
    }

    @Override
    public String client() {
        return "resttemplate";
    }

    @Override
    public Reply call(String service) {
        ResponseEntity<Map<String, Object>> reply =
                rest.exchange("http://" + service + "/chain", HttpMethod.GET, null, JSON_OBJECT);
        return new Reply(reply.getStatusCode().value(), reply.getBody());
    }
}
