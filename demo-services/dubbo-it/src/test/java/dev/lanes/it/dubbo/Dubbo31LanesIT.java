package dev.lanes.it.dubbo;

import dev.lanes.demo.runner.DemoLine;

/** The lane scenarios on Apache Dubbo 3.1.11 with application-level discovery on Spring Boot 2.7. */
class Dubbo31LanesIT extends DubboLaneScenarios {

    @Override
    DemoLine line() {
        return DemoLine.DUBBO31;
    }

    @Override
    String discovery() {
        return "instance";
    }
}
