package dev.lanes.scenarios;

import dev.lanes.demo.runner.DemoLine;
import dev.lanes.demo.runner.Registry;

/** The lane scenarios: Spring Boot 3.3 / Spring Cloud 2023.0 on JDK 17, ZooKeeper discovery. */
class Boot33Jdk17IT extends LaneScenarios {

    Boot33Jdk17IT() {
        super(DemoLine.BOOT33, 17, Registry.Kind.ZOOKEEPER);
    }
}
