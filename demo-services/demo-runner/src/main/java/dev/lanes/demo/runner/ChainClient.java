package dev.lanes.demo.runner;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Sends {@code GET /chain} to an instance, with optional headers, and reads the path it took. */
public final class ChainClient {

    private final HttpClient http;
    private final Duration timeout;

    public ChainClient() {
        this(Duration.ofSeconds(30));
    }

    public ChainClient(Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** @param baseUrl e.g. http://127.0.0.1:8080 (see {@link ServiceProcess#baseUrl()}) */
    public ChainResponse get(String baseUrl) {
        return get(baseUrl, Map.of());
    }

    public ChainResponse get(String baseUrl, Map<String, String> headers) {
        return get(baseUrl, "/chain", headers);
    }

    /** The response header the demo gateway's routes add: the gateway instance that served the request. */
    public static final String GATEWAY_HEADER = "X-Gateway-Instance";

    /** A chain answer that came through a gateway: the gateway instance (from its header, "?" if none) and the chain. */
    public record Served(String gateway, ChainResponse chain) {
    }

    /** {@code GET /chain} through a gateway (or nginx in front of one), reading which gateway served it. */
    public Served getThroughGateway(String baseUrl, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/chain")).timeout(timeout).GET();
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Served(response.headers().firstValue(GATEWAY_HEADER).orElse("?"),
                    ChainResponse.parse(response.statusCode(), response.body()));
        } catch (IOException e) {
            throw new IllegalStateException("GET " + baseUrl + "/chain failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during GET " + baseUrl + "/chain", e);
        }
    }

    /**
     * An outside Dubbo call, straight to the provider at {@code providerUrl}, made by a demo
     * instance started as a Dubbo client ({@code demo.dubbo.client=true}); {@code tag} (may be
     * null) goes as the {@code x-lanes-tag} attachment, {@code argument} (may be null) as the
     * call's argument.
     */
    public ChainResponse dubboCall(String clientBaseUrl, String providerUrl, String tag, String argument) {
        StringBuilder path = new StringBuilder("/dubbo/call?url=").append(encode(providerUrl));
        if (tag != null) {
            path.append("&tag=").append(encode(tag));
        }
        if (argument != null) {
            path.append("&arg=").append(encode(argument));
        }
        return get(clientBaseUrl, path.toString(), Map.of());
    }

    /** GET of {@code pathAndQuery} (e.g. "/chain?arg=vip-1") read as a chain answer. */
    public ChainResponse get(String baseUrl, String pathAndQuery, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
                .timeout(timeout)
                .GET();
        for (Map.Entry<String, String> header : headers.entrySet()) {
            request.header(header.getKey(), header.getValue());
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return ChainResponse.parse(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + baseUrl + pathAndQuery + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during GET " + baseUrl + pathAndQuery, e);
        }
    }

    /**
     * Starts the work an instance started with {@code demo.own-work=true} does itself
     * ({@code POST /own-work/start}); false when it did not answer 200.
     */
    public boolean startOwnWork(String baseUrl) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/own-work/start")).timeout(timeout)
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        } catch (IOException e) {
            throw new IllegalStateException("POST " + baseUrl + "/own-work/start failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during POST " + baseUrl + "/own-work/start", e);
        }
    }

    /** The runs of an instance's own work so far ({@code GET /own-work}); empty when it does not answer. */
    public List<OwnWorkRun> ownWork(String baseUrl) {
        String body = getText(baseUrl + "/own-work", timeout);
        return body == null ? List.of() : OwnWorkRun.parseAll(body);
    }

    private static String encode(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A GET of any path of an instance, returning the body of a 200 answer or null otherwise. */
    String getText(String url, Duration requestTimeout) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(requestTimeout).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during GET " + url, e);
        }
    }
}
