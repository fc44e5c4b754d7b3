package org.apache.dubbo.samples.consumer;

import org.apache.dubbo.config.annotation.DubboReference;
import org.apache.dubbo.samples.api.GreetingsService;
import org.springframework.context.annotation.Profile;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The consumer: {@code GET /hi?name=..} calls the service and returns the provider's answer.
 * A request with header {@code x-lanes-tag} is in that lane; the application does nothing
 * for it.
 */
@RestController
@Profile("consumer")
public class GreetingsController {

    @DubboReference
    private GreetingsService greetingsService;

    @GetMapping("/hi")
    public String hi(@RequestParam(name = "name", defaultValue = "lanes") String name) {
        return greetingsService.sayHi(name);
    }
}
