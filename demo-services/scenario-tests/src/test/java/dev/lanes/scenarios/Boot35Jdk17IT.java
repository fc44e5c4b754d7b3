package dev.lanes.scenarios;

import java.io.IOException;
import java.util.List;

import dev.lanes.demo.runner.DemoLine;
import dev.lanes.demo.runner.Registry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The lane scenarios: Spring Boot 3.5 / Spring Cloud 2025.0 on JDK 17, ZooKeeper discovery;
 * then B calls C with each other HTTP client Spring Cloud load-balances.
 */
class Boot35Jdk17IT extends LaneScenarios {

    Boot35Jdk17IT() {
        super(DemoLine.BOOT35, 17, Registry.Kind.ZOOKEEPER);
    }

    @Test
    @Order(100)
    @DisplayName("B calls C with WebClient, OpenFeign and RestClient: untagged, gray, dev1 and dyed traffic")
    void otherHttpClients() throws IOException {
        otherClientsOnB(List.of("webclient", "feign", "restclient"));
    }
}
