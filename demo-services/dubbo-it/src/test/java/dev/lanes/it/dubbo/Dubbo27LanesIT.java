package dev.lanes.it.dubbo;

import dev.lanes.demo.runner.DemoLine;

/** The lane scenarios on Apache Dubbo 2.7.23 (interface-level discovery, the only kind 2.7 has) on Spring Boot 2.7. */
class Dubbo27LanesIT extends DubboLaneScenarios {

    @Override
    DemoLine line() {
        return DemoLine.DUBBO27;
    }

    @Override
    String discovery() {
        return "interface";
    }
}
