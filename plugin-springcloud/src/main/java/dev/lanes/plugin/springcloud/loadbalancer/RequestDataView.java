package dev.lanes.plugin.springcloud.loadbalancer;

import dev.lanes.bridge.RequestView;
import dev.lanes.bridge.Tags;
import dev.lanes.bridge.TrafficContext;
import dev.lanes.plugin.springcloud.web.common.QueryStrings;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.RequestData;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.util.MultiValueMap;

import java.net.URI;

/**
 * The attributes of an outbound call as Spring Cloud LoadBalancer describes it
 * ({@link RequestDataContext} / {@link RequestData}): every accessor reads the request data
 * when asked, nothing is copied up front. Headers come from Spring's {@link HttpHeaders}, whose
 * lookups ignore case.
 */
public final class RequestDataView implements RequestView {

    private final RequestData data;

    RequestDataView(RequestData data) {
        this.data = data;
    }

    /** A view of the request a LoadBalancer choice is made for; {@link RequestView#EMPTY} when it carries no HTTP data. */
    @SuppressWarnings("rawtypes")
    public static RequestView of(Request request) {
        RequestData data = requestData(request);
        return data == null ? RequestView.EMPTY : new RequestDataView(data);
    }

    /**
     * The traffic tag for this hop: the outbound request's {@code x-lanes-tag} header when it
     * has a valid one (reactive calls have no reliable thread-local), else the caller thread's.
     */
    @SuppressWarnings("rawtypes")
    public static String trafficTag(Request request) {
        RequestData data = requestData(request);
        HttpHeaders headers = data == null ? null : data.getHeaders();
        return TrafficContext.hopTag(headers == null ? null : headers.getFirst(TrafficContext.HEADER),
                "outbound header " + TrafficContext.HEADER);
    }

    /**
     * The valid tag the outbound request itself carries ({@code x-lanes-tag}, which the clients
     * set on every tagged call), or null; read where the thread may not be the caller's.
     */
    @SuppressWarnings("rawtypes")
    public static String tagOnRequest(Request request) {
        RequestData data = requestData(request);
        HttpHeaders headers = data == null ? null : data.getHeaders();
        String raw = headers == null ? null : headers.getFirst(TrafficContext.HEADER);
        return raw != null && Tags.isValid(raw.trim()) ? raw.trim() : null;
    }

    @SuppressWarnings("rawtypes")
    static RequestData requestData(Request request) {
        if (request == null) {
            return null;
        }
        Object context = request.getContext();
        return context instanceof RequestDataContext ? ((RequestDataContext) context).getClientRequest() : null;
    }

    @Override
    public String header(String name) {
        HttpHeaders headers = data.getHeaders();
        return headers == null || name == null ? null : headers.getFirst(name);
    }

    @Override
    public String cookie(String name) {
        if (name == null) {
            return null;
        }
        // The Cookie header first: RequestData built from a blocking request splits each Cookie
        // header at '=' only, so "a=1; b=2" becomes the one cookie a="1; b". The cookie map
        // still holds the cookies a WebClient request carries apart from its headers.
        HttpHeaders headers = data.getHeaders();
        String value = headers == null ? null : cookieFromHeader(headers.getFirst(HttpHeaders.COOKIE), name);
        if (value != null) {
            return value;
        }
        MultiValueMap<String, String> cookies = data.getCookies();
        return cookies == null ? null : cookies.getFirst(name);
    }

    @Override
    public String query(String name) {
        URI url = data.getUrl();
        return url == null || name == null ? null : QueryStrings.first(url.getRawQuery(), name);
    }

    @Override
    public String path() {
        URI url = data.getUrl();
        return url == null ? null : url.getPath();
    }

    @Override
    public String method() {
        HttpMethod method = data.getHttpMethod();
        // HttpMethod is an enum up to Spring 5 and a class from Spring 6 on; both have name().
        return method == null ? null : method.name();
    }

    @Override
    public Object argument(int index) {
        return null;
    }

    /** The value of cookie {@code name} in a Cookie header ("a=1; b=2"), unquoted; null when absent. */
    static String cookieFromHeader(String header, String name) {
        if (header == null) {
            return null;
        }
        int length = header.length();
        int start = 0;
        while (start < length) {
            int end = header.indexOf(';', start);
            if (end < 0) {
                end = length;
            }
            int eq = header.indexOf('=', start);
            if (eq > start && eq < end) {
                int nameStart = start;
                int nameEnd = eq;
                while (nameStart < nameEnd && header.charAt(nameStart) == ' ') {
                    nameStart++;
                }
                while (nameEnd > nameStart && header.charAt(nameEnd - 1) == ' ') {
                    nameEnd--;
                }
                if (nameEnd - nameStart == name.length() && header.regionMatches(nameStart, name, 0, name.length())) {
                    String value = header.substring(eq + 1, end).trim();
                    if (value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"') {
                        value = value.substring(1, value.length() - 1);
                    }
                    return value;
                }
            }
            start = end + 1;
        }
        return null;
    }
}
