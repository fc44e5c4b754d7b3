package dev.lanes.demo.app.dubbo;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /dubbo/call?url=dubbo://host:port&tag=..&arg=..}: a Dubbo call from outside,
 * straight to one provider, for the runner's "Dubbo as the entry" traffic. The answer has the
 * shape of {@code GET /chain}, starting with the provider's hop.
 */
@RestController
public class DubboClientController {

    private final ObjectProvider<DubboConfiguration> dubbo;

    public DubboClientController(ObjectProvider<DubboConfiguration> dubbo) {
        this.dubbo = dubbo;
    }

    @GetMapping(path = "/dubbo/call", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Map<String, Object>> call(@RequestParam("url") String url,
            @RequestParam(name = "tag", required = false) String tag,
            @RequestParam(name = "arg", required = false) String argument) {
        DubboConfiguration client = dubbo.getIfAvailable();
        Map<String, Object> body;
        if (client == null) {
            body = failure("this instance is no Dubbo client (demo.dubbo.client=false)");
        } else {
            try {
                body = client.callDirect(url, tag, argument);
            } catch (RuntimeException e) {
                body = failure(e.getClass().getName() + ": " + e.getMessage());
            }
        }
        return body.get("error") == null && body.get("hops") instanceof List ? ResponseEntity.ok(body)
                : ResponseEntity.status(HttpStatus.BAD_GATEWAY).body(body);
    }

    private static Map<String, Object> failure(String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("service", "dubbo-client");
        error.put("calling", "dubbo");
        error.put("status", null);
        error.put("message", message);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("hops", Collections.emptyList());
        body.put("error", error);
        return body;
    }
}
