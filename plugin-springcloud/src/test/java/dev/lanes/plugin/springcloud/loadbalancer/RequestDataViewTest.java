package dev.lanes.plugin.springcloud.loadbalancer;

import dev.lanes.bridge.RequestView;
import dev.lanes.bridge.TrafficContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.DefaultRequestContext;
import org.springframework.cloud.client.loadbalancer.RequestData;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.reactive.function.client.ClientRequest;

import java.io.IOException;
import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The request view over real Spring Cloud request data, blocking (RestTemplate) and reactive (WebClient). */
class RequestDataViewTest {

    @AfterEach
    void clearTag() {
        TrafficContext.restore(null);
    }

    /** What BlockingLoadBalancerClient builds for a RestTemplate call (the request is never sent). */
    private static DefaultRequest<RequestDataContext> blocking(String url, String... headers) throws IOException {
        ClientHttpRequest request = new SimpleClientHttpRequestFactory().createRequest(URI.create(url), HttpMethod.GET);
        for (int i = 0; i < headers.length; i += 2) {
            request.getHeaders().add(headers[i], headers[i + 1]);
        }
        return new DefaultRequest<>(new RequestDataContext(new RequestData(request), "default"));
    }

    @Test
    void readsABlockingRequest() throws IOException {
        RequestView view = RequestDataView.of(blocking("http://orders/api/v1/items?lane=dev1&q=a%20b&flag&x=1",
                "X-Env", "dev1", "Cookie", "session=42; user=\"ann\""));
        assertEquals("dev1", view.header("x-env"));
        assertEquals("dev1", view.header("X-ENV"));
        assertNull(view.header("x-missing"));
        assertEquals("dev1", view.query("lane"));
        assertEquals("a b", view.query("q"));
        assertEquals("", view.query("flag"));
        assertEquals("1", view.query("x"));
        assertNull(view.query("fla"));
        assertEquals("42", view.cookie("session"));
        assertEquals("ann", view.cookie("user"));
        assertNull(view.cookie("sess"));
        assertEquals("/api/v1/items", view.path());
        assertEquals("GET", view.method());
        assertNull(view.argument(0));
    }

    @Test
    void readsAReactiveRequest() {
        ClientRequest request = ClientRequest.create(HttpMethod.POST, URI.create("http://orders/pay?amount=5"))
                .header("x-env", "gray").cookie("lane", "dev2").build();
        RequestView view = RequestDataView.of(new DefaultRequest<>(new RequestDataContext(new RequestData(request))));
        assertEquals("gray", view.header("X-Env"));
        assertEquals("dev2", view.cookie("lane"));
        assertEquals("5", view.query("amount"));
        assertEquals("/pay", view.path());
        assertEquals("POST", view.method());
    }

    @Test
    void aRequestWithoutHttpDataHasNoAttributes() {
        assertSame(RequestView.EMPTY, RequestDataView.of(new DefaultRequest<>(new DefaultRequestContext("x", "hint"))));
        assertSame(RequestView.EMPTY, RequestDataView.of(null));
        assertSame(RequestView.EMPTY, RequestDataView.of(new DefaultRequest<>()));
    }

    @Test
    void theTrafficTagComesFromTheOutboundHeaderFirst() throws IOException {
        TrafficContext.attach("gray");
        assertEquals("dev1", RequestDataView.trafficTag(blocking("http://orders/", "X-Lanes-Tag", "dev1")));
        assertEquals("gray", RequestDataView.trafficTag(blocking("http://orders/")));
        assertEquals("gray", RequestDataView.trafficTag(blocking("http://orders/", "x-lanes-tag", "not a tag!")),
                "a malformed header is ignored");
        assertEquals("gray", RequestDataView.trafficTag(new DefaultRequest<>()));
        TrafficContext.restore(null);
        assertNull(RequestDataView.trafficTag(blocking("http://orders/")));
    }

    @Test
    void parsesQueryStringsAndCookieHeadersEdgeCases() {
        assertNull(dev.lanes.plugin.springcloud.web.common.QueryStrings.first(null, "a"));
        assertNull(dev.lanes.plugin.springcloud.web.common.QueryStrings.first("", "a"));
        assertEquals("2", dev.lanes.plugin.springcloud.web.common.QueryStrings.first("a=1&a=3&b=2", "b"));
        assertEquals("1", dev.lanes.plugin.springcloud.web.common.QueryStrings.first("a=1&a=3", "a"));
        assertEquals("x y", dev.lanes.plugin.springcloud.web.common.QueryStrings.first("my%20key=x+y", "my key"));
        assertEquals("", dev.lanes.plugin.springcloud.web.common.QueryStrings.first("a=", "a"));
        assertNull(dev.lanes.plugin.springcloud.web.common.QueryStrings.first("&&=x", "a"));
        assertEquals("%zz", dev.lanes.plugin.springcloud.web.common.QueryStrings.first("a=%zz", "a"), "a bad escape is kept as it is");
        assertEquals("v", RequestDataView.cookieFromHeader("a=1;b=v", "b"));
        assertEquals("", RequestDataView.cookieFromHeader("a=", "a"));
        assertNull(RequestDataView.cookieFromHeader("ab=1", "a"));
        assertNull(RequestDataView.cookieFromHeader("a", "a"));
    }
}
