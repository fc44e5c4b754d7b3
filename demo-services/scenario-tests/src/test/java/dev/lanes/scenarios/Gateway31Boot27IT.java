package dev.lanes.scenarios;

import dev.lanes.demo.runner.DemoLine;

/** The gateway scenarios on Spring Cloud Gateway 3.1.9 (Spring Cloud 2021.0.9, Boot 2.7.18), JDK 17. */
class Gateway31Boot27IT extends GatewayScenarios {

    Gateway31Boot27IT() {
        super(DemoLine.BOOT27, "boot27");
    }
}
