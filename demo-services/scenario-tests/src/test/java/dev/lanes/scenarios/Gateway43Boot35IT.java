package dev.lanes.scenarios;

import dev.lanes.demo.runner.DemoLine;

/** The gateway scenarios on Spring Cloud Gateway 4.3.0 (WebFlux; Spring Cloud 2025.0.0, Boot 3.5.7), JDK 17. */
class Gateway43Boot35IT extends GatewayScenarios {

    Gateway43Boot35IT() {
        super(DemoLine.BOOT35, "boot35");
    }
}
