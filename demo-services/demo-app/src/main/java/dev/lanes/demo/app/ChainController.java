package dev.lanes.demo.app;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /chain} answers with the whole path a request took: this hop, then the hops
 * its downstream ({@code demo.next}) reported. Headers are never forwarded by hand:
 * carrying the traffic tag (and the headers the rules name under {@code propagate}, such as
 * {@code x-env}) to the next hop is the agent's job, and the demo shows it. The
 * HTTP client of that call is {@code demo.client} (see {@link NextHop}); a next hop
 * {@code dubbo:<service>} is called over Dubbo (see {@link DubboNext}), with the optional query
 * parameter {@code arg} as the call's argument, so that rules can match it. The optional
 * {@code holdMs} makes this hop take that long before answering (a slow request in flight).
 */
@RestController
public class ChainController {

    /** The traffic tag header that the agent propagates; read here only to report it. */
    static final String TAG_HEADER = "x-lanes-tag";
    /** A header of the application's own (an environment name), read here only to report it. */
    static final String ENV_HEADER = "x-env";
    /** The W3C baggage header, read here only to report what arrived on the wire. */
    static final String BAGGAGE_HEADER = "baggage";
    /** Registration metadata key under which the agent publishes the instance tag. */
    static final String TAG_METADATA_KEY = "lanes.tag";
    /** {@code demo.next} prefix of a next hop called over Dubbo. */
    static final String DUBBO_PREFIX = "dubbo:";

    private final NextHop nextHop;
    private final Registration registration;
    private final DiscoveryClient discovery;
    private final ObjectProvider<DubboNext> dubbo;
    private final String service;
    private final String next;
    private final String instance;
    /** A fault this instance plays, for outlier tests: "none", "error" (HTTP 500), "flaky" (every third a 500) or "hang". */
    private volatile String fault = "none";
    /** Requests of /chain this instance received. */
    private final java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();

    public ChainController(List<NextHop> clients, Registration registration, DiscoveryClient discovery,
            ObjectProvider<DubboNext> dubbo,
            @Value("${spring.application.name}") String service,
            @Value("${demo.next:}") String next,
            @Value("${demo.instance:}") String instance,
            @Value("${demo.client:resttemplate}") String client) {
        this.nextHop = select(clients, client.trim());
        this.registration = registration;
        this.discovery = discovery;
        this.dubbo = dubbo;
        this.service = service;
        this.next = next.trim();
        this.instance = instance.trim();
    }

    @GetMapping(path = "/chain", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Map<String, Object>> chain(
            @RequestHeader(name = TAG_HEADER, required = false) String seenTag,
            @RequestHeader(name = ENV_HEADER, required = false) String seenEnv,
            @RequestParam(name = "arg", required = false) String argument,
            @RequestParam(name = "holdMs", required = false) Long holdMs,
            @RequestHeader HttpHeaders headers) throws InterruptedException {
        long count = received.incrementAndGet();
        String playing = fault;
        if (playing.equals("error") || (playing.equals("flaky") && count % 3 == 0)) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", error(500, "fault: " + playing + " (set with /fault?mode=" + playing + ")"));
            return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR).body(body);
        }
        if (playing.equals("hang")) {
            Thread.sleep(60_000L);
        }
        if (holdMs != null && holdMs > 0) {
            // A slow request, to show what happens to requests in flight when the instance stops.
            Thread.sleep(Math.min(holdMs, 60_000L));
        }
        Map<String, Object> body = run(seenTag, seenEnv, headers.get(BAGGAGE_HEADER), "http", argument);
        return body.containsKey("error") ? ResponseEntity.status(HttpStatus.BAD_GATEWAY).body(body)
                : ResponseEntity.ok(body);
    }

    /**
     * Serves one request that arrived over {@code via} ("http" or "dubbo"; "own-work" for work
     * this instance started itself): this hop, then the next one. The answer has "hops" and,
     * when a downstream call failed, "error".
     */
    public Map<String, Object> run(String seenTag, String seenEnv, String via, String argument) {
        return run(seenTag, seenEnv, null, via, argument);
    }

    /** The same, with the {@code baggage} header lines the request brought (null: none), as they came. */
    public Map<String, Object> run(String seenTag, String seenEnv, List<String> seenBaggage, String via,
            String argument) {
        List<Object> hops = new ArrayList<>();
        Map<String, Object> here = thisHop(seenTag, seenEnv, via);
        if (seenBaggage != null) {
            here.put("seenBaggage", seenBaggage);
        }
        hops.add(here);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("hops", hops);
        if (next.isEmpty()) {
            return body;
        }
        try {
            Map<String, Object> reply;
            int status;
            if (next.startsWith(DUBBO_PREFIX)) {
                DubboNext client = dubbo.getIfAvailable();
                if (client == null) {
                    body.put("error", error(null, "demo.next=" + next + " but this build of the demo has no Dubbo"));
                    return body;
                }
                reply = client.chain(argument);
                status = reply != null && reply.get("error") == null ? 200 : 502;
            } else {
                NextHop.Reply downstream = nextHop.call(next);
                reply = downstream.body;
                status = downstream.status;
            }
            if (reply != null && reply.get("hops") instanceof List) {
                hops.addAll((List<?>) reply.get("hops"));
            }
            if (status >= 200 && status < 300 && reply != null) {
                return body;
            }
            // Keep the deepest error: the hop that failed knows best why.
            Object error = reply == null ? null : reply.get("error");
            body.put("error", error instanceof Map ? error
                    : error(status, reply == null ? "empty answer" : String.valueOf(reply)));
        } catch (RuntimeException e) {
            // No answer at all: no instance chosen (for example a strict lane), refused, timed out.
            body.put("error", error(null, e.getClass().getName() + ": " + e.getMessage()));
        }
        return body;
    }

    /**
     * Makes this instance play a fault from now on (outlier tests): {@code none}, {@code error}
     * (every /chain answers 500), {@code flaky} (every third /chain answers 500, the others are
     * served: never two failures in a row) or {@code hang} (every /chain waits 60 s); answers the number
     * of /chain requests received so far. Without {@code mode}, only the count.
     */
    @GetMapping(path = "/fault", produces = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> fault(@RequestParam(name = "mode", required = false) String mode) {
        if (mode != null) {
            if (!java.util.Arrays.asList("none", "error", "flaky", "hang").contains(mode)) {
                throw new IllegalArgumentException("mode: '" + mode + "'; expected none, error, flaky or hang");
            }
            fault = mode;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("fault", fault);
        body.put("received", received.get());
        return body;
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

    private Map<String, Object> thisHop(String seenTag, String seenEnv, String via) {
        Map<String, String> metadata = registration.getMetadata();
        Map<String, Object> hop = new LinkedHashMap<>();
        hop.put("service", service);
        hop.put("instance", instance.isEmpty() ? service + "@" + registration.getPort() : instance);
        hop.put("host", registration.getHost());
        hop.put("port", registration.getPort());
        hop.put("tag", metadata == null ? null : metadata.get(TAG_METADATA_KEY));
        hop.put("seenTag", seenTag);
        hop.put("seenEnv", seenEnv);
        hop.put("client", next.isEmpty() ? null : next.startsWith(DUBBO_PREFIX) ? "dubbo" : nextHop.client());
        hop.put("via", via);
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
