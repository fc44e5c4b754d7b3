package dev.lanes.demo.app;

import java.util.Map;

import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

/**
 * {@code demo.client=restclient}: a RestClient from the {@code @LoadBalanced RestClient.Builder}.
 * Spring Framework 6.1+ only, so this source folder is compiled by the Boot 3.2+ lines alone.
 */
@Component
public class RestClientNextHop implements NextHop {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT =
            new ParameterizedTypeReference<Map<String, Object>>() { };

    private final RestClient rest;

    public RestClientNextHop(RestClient.Builder loadBalanced) {
        this.rest = loadBalanced.build();
    }

    @Override
    public String client() {
        return "restclient";
    }

    @Override
    public Reply call(String service) {
        // bodyTo answers null for an empty body.
        return rest.get().uri("http://" + service + "/chain")
                .exchange((request, response) -> new Reply(response.getStatusCode().value(),
                        response.bodyTo(JSON_OBJECT)));
    }

    /** The load-balanced builder the Spring Cloud documentation describes. */
    @Configuration(proxyBeanMethods = false)
    static class Builders {
        @Bean
        @LoadBalanced
        RestClient.Builder loadBalancedRestClientBuilder() {
            return RestClient.builder();
        }
    }
}
