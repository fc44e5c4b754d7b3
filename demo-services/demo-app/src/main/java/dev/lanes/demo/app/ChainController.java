package dev.lanes.demo.app;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /chain} answers with the whole path a request took: this hop, then the hops
 * its downstream ({@code demo.next}) reported. Headers are never forwarded by hand:
 * carrying the traffic tag to the next hop is the agent's job, and the demo shows it. The
 * HTTP client of that call is {@code demo.client} (see {@link NextHop}).
 */
@RestController
public class ChainController {

    /** The traffic tag header that the agent propagates; read here only to report it. */
    static final String TAG_HEADER = "x-lanes-tag";
    /** Registration metadata key under which the agent publishes the instance tag. */
    static final String TAG_METADATA_KEY = "lanes.tag";

    private final NextHop nextHop;
    private final Registration registration;
    private final DiscoveryClient discovery;
    private final String service;
    private final String next;
    private final String instance;

    public ChainController(List<NextHop> clients, Registration registration, DiscoveryClient discovery,
            @Value("${spring.application.name}") String service,
            @Value("${demo.next:}") String next,
            @Value("${demo.instance:}") String instance,
            @Value("${demo.client:resttemplate}") String client) {
        this.nextHop = select(clients, client.trim());
        this.registration = registration;
        this.discovery = discovery;
        this.service = service;
        this.next = next.trim();
        this.instance = instance.trim();
    }

    @GetMapping(path = "/chain", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Map<String, Object>> chain(
            @RequestHeader(name = TAG_HEADER, required = false) String seenTag) {
        List<Object> hops = new ArrayList<>();
        hops.add(thisHop(seenTag));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("hops", hops);
        if (next.isEmpty()) {
            return ResponseEntity.ok(body);
        }
        try {
            NextHop.Reply downstream = nextHop.call(next);
            Map<String, Object> reply = downstream.body;
            int status = downstream.status;
            if (reply != null && reply.get("hops") instanceof List) {
                hops.addAll((List<?>) reply.get("hops"));
            }
            if (status >= 200 && status < 300 && reply != null) {
                return ResponseEntity.ok(body);
            }
            // Keep the deepest error: the hop that failed knows best why.
            Object error = reply == null ? null : reply.get("error");
            body.put("error", error instanceof Map ? error
                    : error(status, reply == null ? "empty answer" : String.valueOf(reply)));
        } catch (RuntimeException e) {
            // No answer at all: no instance chosen (for example a strict lane), refused, timed out.
            body.put("error", error(null, e.getClass().getName() + ": " + e.getMessage()));
        }
        return ResponseEntity.status(HttpStatus.BAD_GATEWAY).body(body);
    }

    /** What this service's discovery client knows of a service; the runner polls it. */
    @GetMapping(path = "/instances/{serviceId}", produces = MediaType.APPLICATION_JSON_VALUE)
    public List<Map<String, Object>> instances(@PathVariable("serviceId") String serviceId) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (ServiceInstance known : discovery.getInstances(serviceId)) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("instanceId", known.getInstanceId());
            item.put("host", known.getHost());
            item.put("port", known.getPort());
            item.put("metadata", known.getMetadata());
            list.add(item);
        }
        return list;
    }

    /** The client named by demo.client; the error lists those this line has. */
    private static NextHop select(List<NextHop> clients, String name) {
        List<String> known = new ArrayList<>();
        for (NextHop candidate : clients) {
            if (candidate.client().equals(name)) {
                return candidate;
            }
            known.add(candidate.client());
        }
        throw new IllegalStateException("demo.client: '" + name + "' is not available on this Spring line; expected one of "
                + known);
    }

    private Map<String, Object> thisHop(String seenTag) {
        Map<String, String> metadata = registration.getMetadata();
        Map<String, Object> hop = new LinkedHashMap<>();
        hop.put("service", service);
        hop.put("instance", instance.isEmpty() ? service + "@" + registration.getPort() : instance);
        hop.put("host", registration.getHost());
        hop.put("port", registration.getPort());
        hop.put("tag", metadata == null ? null : metadata.get(TAG_METADATA_KEY));
        hop.put("seenTag", seenTag);
        hop.put("client", next.isEmpty() ? null : nextHop.client());
        return hop;
    }

    private Map<String, Object> error(Integer status, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("service", service);
        error.put("calling", next);
        error.put("status", status);
        error.put("message", message);
        return error;
    }
}
