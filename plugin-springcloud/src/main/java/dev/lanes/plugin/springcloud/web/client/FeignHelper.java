package dev.lanes.plugin.springcloud.web.client;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.CarriedHeaders;
import dev.lanes.bridge.TrafficContext;
import dev.lanes.plugin.springcloud.web.common.Baggage;
import dev.lanes.plugin.springcloud.web.common.OutboundTags;
import feign.RequestTemplate;
import java.util.Collection;
import java.util.Map;

/**
 * Adds the current traffic tag (the request's, else this instance's own) and the carried
 * headers to a Feign {@code RequestTemplate} just before Feign turns it into the request it sends. A baggage member is added as a value of its own, never merged:
 * Feign header values are templates, and re-writing the application's value could expand it.
 */
public final class FeignHelper {

    private FeignHelper() {
    }

    public static void beforeRequest(Object template) {
        String current = TrafficContext.outboundTag();
        CarriedHeaders carried = TrafficContext.headers();
        if (current == null && carried == null || !(template instanceof RequestTemplate)) {
            return;
        }
        try {
            RequestTemplate request = (RequestTemplate) template;
            Map<String, Collection<String>> headers = request.headers();
            for (int i = 0, n = carried == null ? 0 : carried.size(); i < n; i++) {
                String name = carried.name(i);
                if (first(headers, name) == null) {
                    request.header(name, carried.value(i));
                    request.header(Baggage.HEADER, Baggage.memberFor(CarriedHeaders.BAGGAGE_PREFIX + name,
                            carried.value(i)));
                }
            }
            if (current == null) {
                return;
            }
            headers = request.headers();
            String own = first(headers, TrafficContext.HEADER);
            String ownBaggage = null;
            Collection<String> baggage = values(headers, Baggage.HEADER);
            if (baggage != null) {
                for (String value : baggage) {
                    ownBaggage = Baggage.tagIn(value);
                    if (ownBaggage != null) {
                        break;
                    }
                }
            }
            String tag = OutboundTags.toWrite(own, ownBaggage, current);
            if (tag == null) {
                return;
            }
            if (own == null) {
                request.header(TrafficContext.HEADER, tag);
            }
            if (ownBaggage == null) {
                request.header(Baggage.HEADER, Baggage.memberFor(tag));
            }
        } catch (Throwable t) {
            AgentFaults.report("spring-web:feign.RequestTemplate.request", t);
        }
    }

    private static String first(Map<String, Collection<String>> headers, String name) {
        Collection<String> values = values(headers, name);
        return values == null || values.isEmpty() ? null : values.iterator().next();
    }

    /** Header names are matched without regard to case, whatever map Feign returns. */
    private static Collection<String> values(Map<String, Collection<String>> headers, String name) {
        Collection<String> values = headers.get(name);
        if (values != null) {
            return values;
        }
        for (Map.Entry<String, Collection<String>> entry : headers.entrySet()) {
            if (name.equalsIgnoreCase(entry.getKey())) {
                return entry.getValue();
            }
        }
        return null;
    }
}
