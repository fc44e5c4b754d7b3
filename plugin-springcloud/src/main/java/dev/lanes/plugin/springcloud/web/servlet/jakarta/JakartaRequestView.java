package dev.lanes.plugin.springcloud.web.servlet.jakarta;

import dev.lanes.bridge.RequestView;
import dev.lanes.plugin.springcloud.web.common.QueryStrings;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;

/** A {@code jakarta.servlet} request as rules see it; every attribute is read only when asked for. */
public final class JakartaRequestView implements RequestView {

    private final HttpServletRequest request;

    public JakartaRequestView(HttpServletRequest request) {
        this.request = request;
    }

    @Override
    public String header(String name) {
        return request.getHeader(name);
    }

    @Override
    public String cookie(String name) {
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie cookie : cookies) {
                if (cookie.getName().equals(name)) {
                    return cookie.getValue();
                }
            }
        }
        return null;
    }

    @Override
    public String query(String name) {
        return QueryStrings.first(request.getQueryString(), name);
    }

    @Override
    public String path() {
        return request.getRequestURI();
    }

    @Override
    public String method() {
        return request.getMethod();
    }

    @Override
    public Object argument(int index) {
        return null;
    }

    /** The TCP peer; a proxy's forwarding headers are not read (any client can write them). */
    @Override
    public String remoteAddress() {
        return request.getRemoteAddr();
    }
}
