package dev.lanes.scenarios;

import dev.lanes.demo.runner.DemoLine;
import dev.lanes.demo.runner.Registry;

/** The lane scenarios: Spring Boot 3.5 / Spring Cloud 2025.0 on JDK 17, Eureka discovery (server and client of that line). */
class Boot35EurekaJdk17IT extends LaneScenarios {

    Boot35EurekaJdk17IT() {
        super(DemoLine.BOOT35, 17, Registry.Kind.EUREKA);
    }
}
