package dev.lanes.it.dubbo;

import dev.lanes.demo.runner.DemoLine;

/** Dubbo's Spring Boot samples on Apache Dubbo 3.3.6 (dubbo-spring-boot-starter, Spring Boot 3.5.7), protocol 'tri'. */
class DubboSamples33IT extends DubboSamplesScenarios {

    @Override
    DemoLine line() {
        return DemoLine.DUBBO33;
    }

    @Override
    String module() {
        return "dubbo33";
    }

    @Override
    String protocol() {
        return "tri";
    }
}
