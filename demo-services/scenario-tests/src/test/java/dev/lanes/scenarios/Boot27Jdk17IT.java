package dev.lanes.scenarios;

import dev.lanes.demo.runner.DemoLine;
import dev.lanes.demo.runner.Registry;

/** The lane scenarios: Spring Boot 2.7 / Spring Cloud 2021.0 on JDK 17, ZooKeeper discovery. */
class Boot27Jdk17IT extends LaneScenarios {

    Boot27Jdk17IT() {
        super(DemoLine.BOOT27, 17, Registry.Kind.ZOOKEEPER);
    }
}
