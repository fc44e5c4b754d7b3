package org.apache.dubbo.samples;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A provider (profile {@code provider}) or a consumer (profile {@code consumer}) of
 * {@link org.apache.dubbo.samples.api.GreetingsService}, as Dubbo's Spring Boot samples build
 * them: dubbo-spring-boot-starter does everything from application.yml.
 */
@SpringBootApplication
public class SamplesApplication {

    public static void main(String[] args) {
        SpringApplication.run(SamplesApplication.class, args);
    }
}
