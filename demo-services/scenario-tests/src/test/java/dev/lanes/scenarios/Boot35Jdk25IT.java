package dev.lanes.scenarios;

import dev.lanes.demo.runner.DemoLine;
import dev.lanes.demo.runner.Registry;

/** The lane scenarios: Spring Boot 3.5 / Spring Cloud 2025.0 on JDK 25, ZooKeeper discovery. */
class Boot35Jdk25IT extends LaneScenarios {

    Boot35Jdk25IT() {
        super(DemoLine.BOOT35, 25, Registry.Kind.ZOOKEEPER);
    }

    /** Boot 3.5 runs on JDK 17 in Boot35Jdk17IT and Boot35EurekaJdk17IT, JDK 25 with Boot 4.0 in Boot40Jdk25IT. */
    @Override
    boolean inDefaultSuite() {
        return false;
    }
}
