package dev.lanes.scenarios;

import dev.lanes.demo.runner.DemoLine;
import dev.lanes.demo.runner.Registry;

/** The lane scenarios: Spring Boot 3.5 / Spring Cloud 2025.0 on JDK 25, ZooKeeper discovery. */
class Boot35Jdk25IT extends LaneScenarios {

    Boot35Jdk25IT() {
        super(DemoLine.BOOT35, 25, Registry.Kind.ZOOKEEPER);
    }
}
