package dev.lanes.plugin.gateway.mvc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.cloud.gateway.server.mvc.filter.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.servlet.function.ServerRequest;

/** The agent's filter joins the gateway's request header filters, after them, on a real bean factory. */
class LanesFilterProviderTest {

    static final class Early implements HttpHeadersFilter.RequestHttpHeadersFilter, Ordered {
        @Override
        public HttpHeaders apply(HttpHeaders headers, ServerRequest request) {
            return headers;
        }

        @Override
        public int getOrder() {
            return 0;
        }
    }

    @Test
    void theAgentsFilterComesLastAndOnlyOnce() {
        DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
        Early early = new Early();
        beans.registerSingleton("early", early);
        ObjectProvider<HttpHeadersFilter.RequestHttpHeadersFilter> provider =
                beans.getBeanProvider(HttpHeadersFilter.RequestHttpHeadersFilter.class);

        Object wrapped = GatewayMvcHelper.withLanesFilter(provider);
        assertTrue(wrapped instanceof LanesFilterProvider);
        assertSame(wrapped, GatewayMvcHelper.withLanesFilter(wrapped));
        List<Object> filters = ((LanesFilterProvider) wrapped).orderedStream().collect(Collectors.toList());
        assertEquals(2, filters.size());
        assertSame(early, filters.get(0));
        assertTrue(filters.get(1) instanceof LanesHeadersFilter);
        assertSame(early, ((LanesFilterProvider) wrapped).getIfAvailable());
    }
}
