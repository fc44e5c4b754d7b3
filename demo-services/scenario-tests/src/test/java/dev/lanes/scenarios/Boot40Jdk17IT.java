package dev.lanes.scenarios;

import dev.lanes.demo.runner.DemoLine;
import dev.lanes.demo.runner.Registry;

/** The lane scenarios: Spring Boot 4.0 / Spring Cloud 2025.1 on JDK 17, ZooKeeper discovery. */
class Boot40Jdk17IT extends LaneScenarios {

    Boot40Jdk17IT() {
        super(DemoLine.BOOT40, 17, Registry.Kind.ZOOKEEPER);
    }
}
