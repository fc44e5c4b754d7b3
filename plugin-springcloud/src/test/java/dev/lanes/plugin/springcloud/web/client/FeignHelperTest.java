package dev.lanes.plugin.springcloud.web.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.bridge.TrafficContext;
import feign.Request;
import feign.RequestTemplate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FeignHelperTest {

    @AfterEach
    void reset() {
        TrafficContext.restore(null);
    }

    private static RequestTemplate template() {
        RequestTemplate template = new RequestTemplate();
        template.method(Request.HttpMethod.GET);
        template.uri("/hello");
        return template;
    }

    @Test
    void addsTheTagOnlyWhenThereIsOne() {
        RequestTemplate untagged = template();
        FeignHelper.beforeRequest(untagged);
        assertTrue(untagged.headers().isEmpty());

        TrafficContext.attach("gray");
        RequestTemplate tagged = template();
        FeignHelper.beforeRequest(tagged);
        FeignHelper.beforeRequest(tagged); // idempotent
        assertEquals(Arrays.asList("gray"), new ArrayList<>(tagged.headers().get("x-lanes-tag")));
        assertEquals(Arrays.asList("lanes.tag=gray"), new ArrayList<>(tagged.headers().get("baggage")));
    }

    @Test
    void keepsTheApplicationsValues() {
        TrafficContext.attach("gray");
        RequestTemplate template = template();
        template.header("X-Lanes-Tag", "dev1");
        template.header("baggage", "userId=42");
        FeignHelper.beforeRequest(template);
        Collection<String> own = template.headers().get("x-lanes-tag");
        assertEquals(Arrays.asList("dev1"), new ArrayList<>(own));
        assertEquals(Arrays.asList("userId=42", "lanes.tag=dev1"), new ArrayList<>(template.headers().get("baggage")));
    }
}
