package dev.lanes.plugin.gateway.mvc;

import dev.lanes.bridge.Lanes;
import dev.lanes.bridge.TrafficContext;
import dev.lanes.plugin.gateway.common.ProxiedHeaders;
import dev.lanes.plugin.springcloud.web.servlet.jakarta.JakartaRequestView;
import dev.lanes.plugin.springcloud.web.servlet.jakarta.JakartaServletInboundHelper;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.web.servlet.function.ServerRequest;

/**
 * What the MVC gateway's request says of the client: its servlet request (the client's own
 * headers, whatever the route's filters did to the {@code ServerRequest}), the tag decided for it
 * (as the servlet inbound side decided and remembered it), and so the
 * lanes headers its proxied request must carry ({@link ClientHeaderEdit}).
 */
final class ClientRequests {

    /**
     * {@code ServerRequest#servletRequest()}, typed {@code jakarta.servlet.http.HttpServletRequest}
     * on every line the MVC gateway runs on; the plugin is compiled against the javax one.
     */
    private static volatile MethodHandle servletRequest;

    private ClientRequests() {
    }

    /** The rewrites of the lanes headers that {@code proxied} (the request's headers as they are now) needs. */
    static Map<String, List<String>> rewrites(ServerRequest request, HttpHeaders proxied) throws Throwable {
        HttpServletRequest client = servletRequest(request);
        JakartaRequestView view = new JakartaRequestView(client);
        Object state = JakartaServletInboundHelper.state(client);
        String secretHeader = Lanes.routing().trustHeader();
        String[] names = ClientHeaderEdit.names(secretHeader);
        ProxiedHeaders edit = new ProxiedHeaders(TrafficContext.tagOf(state), TrafficContext.headersOf(state),
                Lanes.routing().trusted(view), secretHeader);
        return ClientHeaderEdit.rewrites(proxied, sent(client, names), edit, names);
    }

    /** The client's own values of {@code names}. */
    static HttpHeaders sent(HttpServletRequest client, String[] names) {
        HttpHeaders sent = new HttpHeaders();
        for (String name : names) {
            List<String> values = values(client, name);
            if (!values.isEmpty()) {
                sent.put(name, values);
            }
        }
        return sent;
    }

    private static List<String> values(HttpServletRequest client, String name) {
        if (client.getHeader(name) == null) {
            return Collections.emptyList();
        }
        List<String> values = new ArrayList<String>();
        Enumeration<String> e = client.getHeaders(name);
        while (e != null && e.hasMoreElements()) {
            values.add(e.nextElement());
        }
        return values;
    }

    static HttpServletRequest servletRequest(ServerRequest request) throws Throwable {
        MethodHandle handle = servletRequest;
        if (handle == null) {
            handle = MethodHandles.publicLookup().unreflect(ServerRequest.class.getMethod("servletRequest"))
                    .asType(MethodType.methodType(Object.class, ServerRequest.class));
            servletRequest = handle;
        }
        return (HttpServletRequest) (Object) handle.invokeExact(request);
    }
}
