package dev.lanes.it.dubbo;

import dev.lanes.demo.runner.DemoLine;

/** Dubbo's Spring Boot samples on Apache Dubbo 3.2.19 (dubbo-spring-boot-starter, Spring Boot 3.3.13), protocol 'dubbo'. */
class DubboSamples32IT extends DubboSamplesScenarios {

    @Override
    DemoLine line() {
        return DemoLine.DUBBO32;
    }

    @Override
    String module() {
        return "dubbo32";
    }

    @Override
    String protocol() {
        return "dubbo";
    }
}
