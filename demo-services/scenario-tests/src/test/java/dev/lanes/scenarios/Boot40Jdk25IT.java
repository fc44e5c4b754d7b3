package dev.lanes.scenarios;

import dev.lanes.demo.runner.DemoLine;
import dev.lanes.demo.runner.Registry;

/** The lane scenarios: Spring Boot 4.0 / Spring Cloud 2025.1 on JDK 25, ZooKeeper discovery. */
class Boot40Jdk25IT extends LaneScenarios {

    Boot40Jdk25IT() {
        super(DemoLine.BOOT40, 25, Registry.Kind.ZOOKEEPER);
    }
}
