package dev.lanes.plugin.gateway.mvc;

import dev.lanes.bridge.CarriedHeaders;
import dev.lanes.bridge.TrafficContext;
import dev.lanes.plugin.gateway.common.HeaderEdits;
import dev.lanes.plugin.gateway.common.ProxiedHeaders;
import dev.lanes.plugin.springcloud.web.common.Baggage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;

/**
 * The lanes headers of the MVC gateway's proxied request. That gateway copies every header the
 * client sent and runs the route's filters on them before it forwards; so the WebFlux gateway's
 * edit ({@link ProxiedHeaders}) is applied to the headers as the client sent them, and its
 * result is taken for each lanes header that the proxied request still carries as the client
 * sent it. A route filter's own value for one of them ({@code SetRequestHeader=x-lanes-tag, ...})
 * wins, as an application's own header always does.
 */
final class ClientHeaderEdit {

    private ClientHeaderEdit() {
    }

    /** The headers the edit may touch: the tag, baggage, the access layer's secret, the carried ones. */
    static String[] names(String secretHeader) {
        String[] carried = CarriedHeaders.names();
        String[] names = new String[2 + carried.length + (secretHeader == null ? 0 : 1)];
        names[0] = TrafficContext.HEADER;
        names[1] = Baggage.HEADER;
        System.arraycopy(carried, 0, names, 2, carried.length);
        if (secretHeader != null) {
            names[names.length - 1] = secretHeader;
        }
        return names;
    }

    /**
     * The headers to rewrite on the proxied request, name to values (none: remove it); empty when
     * the proxied request already carries what it should.
     *
     * @param proxied the headers about to be proxied
     * @param sent    the client's own values of {@code names}, and nothing else
     * @param edit    the WebFlux gateway's edit for this request's decision
     */
    static Map<String, List<String>> rewrites(HttpHeaders proxied, HttpHeaders sent, ProxiedHeaders edit,
                                              String[] names) {
        if (!edit.changes(sent)) {
            return Collections.emptyMap();
        }
        HttpHeaders wanted = new HttpHeaders();
        for (String name : names) {
            List<String> values = sent.getValuesAsList(name);
            if (!values.isEmpty()) {
                wanted.put(name, new ArrayList<String>(values));
            }
        }
        edit.accept(wanted);
        Map<String, List<String>> rewrites = null;
        for (String name : names) {
            List<String> now = proxied.getValuesAsList(name);
            if (!now.equals(sent.getValuesAsList(name))) {
                continue; // a route filter set it: the route's value stays
            }
            List<String> to = wanted.getValuesAsList(name);
            if (!to.equals(now)) {
                if (rewrites == null) {
                    rewrites = new LinkedHashMap<String, List<String>>();
                }
                rewrites.put(name, to);
            }
        }
        return rewrites == null ? Collections.<String, List<String>>emptyMap() : rewrites;
    }

    /** Writes {@link #rewrites} into writable headers. */
    static void write(Map<String, List<String>> rewrites, HttpHeaders headers) {
        for (Map.Entry<String, List<String>> rewrite : rewrites.entrySet()) {
            HeaderEdits.remove(headers, rewrite.getKey());
            if (!rewrite.getValue().isEmpty()) {
                headers.put(rewrite.getKey(), new ArrayList<String>(rewrite.getValue()));
            }
        }
    }
}
