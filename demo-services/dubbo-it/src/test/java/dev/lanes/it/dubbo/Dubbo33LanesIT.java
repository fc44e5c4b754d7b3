package dev.lanes.it.dubbo;

import dev.lanes.demo.runner.DemoLine;

/** The lane scenarios on Apache Dubbo 3.3.6 with application-level discovery on Spring Boot 3.5. */
class Dubbo33LanesIT extends DubboLaneScenarios {

    @Override
    DemoLine line() {
        return DemoLine.DUBBO33;
    }

    @Override
    String discovery() {
        return "instance";
    }

    @Override
    boolean runsWarmupCurve() {
        return true;
    }
}
