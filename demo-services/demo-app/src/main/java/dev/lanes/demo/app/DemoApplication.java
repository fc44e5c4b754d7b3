package dev.lanes.demo.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.client.DefaultResponseErrorHandler;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A plain Spring Cloud service whose role (name, next hop, display name) comes from
 * configuration; it knows nothing of Lanes, which reaches it only through -javaagent.
 */
@SpringBootApplication
public class DemoApplication {

    public static void main(String[] args) throws InterruptedException {
        ConfigurableApplicationContext context = SpringApplication.run(DemoApplication.class, args);
        // demo.own-work=true: work on main once the application is up, as many services do
        // after SpringApplication.run returns (a runner would hold the application not ready).
        OwnWork own = context.getBeanProvider(OwnWork.class).getIfAvailable();
        if (own != null) {
            own.onMain();
        }
    }

    /**
     * Built with its constructor rather than RestTemplateBuilder, whose package differs
     * between Boot lines. Error statuses are returned, not thrown, so that a hop can relay
     * the path and the error its downstream reported.
     */
    @Bean
    @LoadBalanced
    public RestTemplate restTemplate(@org.springframework.beans.factory.annotation.Value("${demo.read-timeout-ms:0}") int readTimeoutMillis) {
        RestTemplate rest = new RestTemplate();
        if (readTimeoutMillis > 0) {
            // demo.read-timeout-ms: a hung downstream fails the call instead of holding it forever.
            org.springframework.http.client.SimpleClientHttpRequestFactory factory =
                    new org.springframework.http.client.SimpleClientHttpRequestFactory();
            factory.setReadTimeout(readTimeoutMillis);
            factory.setConnectTimeout(readTimeoutMillis);
            rest.setRequestFactory(factory);
        }
        rest.setErrorHandler(new ReturnAllStatuses());
        return rest;
    }

    /** For demo.client=webclient: the load-balanced builder the Spring Cloud documentation describes. */
    @Bean
    @LoadBalanced
    public WebClient.Builder loadBalancedWebClientBuilder() {
        return WebClient.builder();
    }

    /** Lets every status through to the caller, which reports it in its own answer. */
    static final class ReturnAllStatuses extends DefaultResponseErrorHandler {
        @Override
        public boolean hasError(org.springframework.http.client.ClientHttpResponse response) {
            return false;
        }
    }
}
