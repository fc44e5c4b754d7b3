package dev.lanes.scenarios;

import dev.lanes.demo.runner.DemoLine;
import dev.lanes.demo.runner.Registry;

/** The lane scenarios: Spring Boot 4.0 / Spring Cloud 2025.1 on JDK 17, ZooKeeper discovery. */
class Boot40Jdk17IT extends LaneScenarios {

    Boot40Jdk17IT() {
        super(DemoLine.BOOT40, 17, Registry.Kind.ZOOKEEPER);
    }

    /** Boot 4.0 runs on JDK 25 in Boot40Jdk25IT, JDK 17 with every other line. */
    @Override
    boolean inDefaultSuite() {
        return false;
    }
}
