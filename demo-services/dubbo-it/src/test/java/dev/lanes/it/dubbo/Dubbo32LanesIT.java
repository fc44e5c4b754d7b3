package dev.lanes.it.dubbo;

import dev.lanes.demo.runner.DemoLine;

/** The lane scenarios on Apache Dubbo 3.2.19 with interface-level discovery on Spring Boot 3.3. */
class Dubbo32LanesIT extends DubboLaneScenarios {

    @Override
    DemoLine line() {
        return DemoLine.DUBBO32;
    }

    @Override
    String discovery() {
        return "interface";
    }
}
