package dev.lanes.plugin.springcloud.web.webflux;

import dev.lanes.bridge.RequestView;
import org.springframework.http.HttpCookie;
import org.springframework.http.server.reactive.ServerHttpRequest;

/** A reactive {@code ServerHttpRequest} as rules see it; every attribute is read only when asked for. */
public final class ServerHttpRequestView implements RequestView {

    private final ServerHttpRequest request;

    public ServerHttpRequestView(ServerHttpRequest request) {
        this.request = request;
    }

    @Override
    public String header(String name) {
        return request.getHeaders().getFirst(name);
    }

    @Override
    public String cookie(String name) {
        HttpCookie cookie = request.getCookies().getFirst(name);
        return cookie == null ? null : cookie.getValue();
    }

    @Override
    public String query(String name) {
        return request.getQueryParams().getFirst(name);
    }

    @Override
    public String path() {
        return request.getURI().getRawPath();
    }

    /** {@code getMethod()} returns an enum up to 5.3 and a class from 6.0; both print the method name. */
    @Override
    public String method() {
        Object method = request.getMethod();
        return method == null ? null : method.toString();
    }

    @Override
    public Object argument(int index) {
        return null;
    }

    /** The TCP peer; a proxy's forwarding headers are not read (any client can write them). */
    @Override
    public String remoteAddress() {
        java.net.InetSocketAddress peer = request.getRemoteAddress();
        java.net.InetAddress address = peer == null ? null : peer.getAddress();
        return address == null ? null : address.getHostAddress();
    }
}
