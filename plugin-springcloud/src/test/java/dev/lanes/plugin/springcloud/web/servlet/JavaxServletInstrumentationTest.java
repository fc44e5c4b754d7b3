package dev.lanes.plugin.springcloud.web.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.lanes.bridge.Lanes;
import dev.lanes.bridge.CarriedHeaders;
import dev.lanes.bridge.TrafficContext;
import dev.lanes.plugin.springcloud.Engine;
import dev.lanes.plugin.springcloud.web.HeaderRecorder;
import dev.lanes.plugin.springcloud.web.SpringWebPlugin;
import dev.lanes.testing.InstrumentationHarness;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.servlet.DispatcherType;
import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.HandlerWrapper;
import org.eclipse.jetty.servlet.FilterHolder;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.context.support.AnnotationConfigWebApplicationContext;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;

/**
 * A real javax servlet container (Jetty 9.4) with plain servlets, a filter, an async servlet and
 * Spring MVC's DispatcherServlet: the handler sees the request's tag, and once the container
 * thread leaves the servlet it has exactly the tag it had before (a probe around the whole
 * context checks that on the same thread).
 */
class JavaxServletInstrumentationTest {

    private static final BlockingQueue<String> AFTER = new LinkedBlockingQueue<>();
    private static Server server;
    private static int port;
    private static HeaderRecorder downstream;
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    /** Answers with the tag attached while it serves. */
    public static final class TagServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.getWriter().write(String.valueOf(TrafficContext.tag()));
        }
    }

    /** Records the tag the filter runs with in a header. */
    public static final class TagFilter implements Filter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            ((HttpServletResponse) response).setHeader("x-filter-tag", String.valueOf(TrafficContext.tag()));
            CarriedHeaders carried = TrafficContext.headers();
            ((HttpServletResponse) response).setHeader("x-filter-env", carried == null ? "none" : carried.get("x-env"));
            chain.doFilter(request, response);
        }
    }

    /** Starts async processing on the first dispatch and answers on the async dispatch. */
    public static final class AsyncServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            if (req.getDispatcherType() == DispatcherType.ASYNC) {
                resp.getWriter().write("async:" + TrafficContext.tag());
            } else {
                req.startAsync().dispatch();
            }
        }
    }

    /** A Spring MVC controller. */
    @RestController
    public static class TagController {
        @GetMapping("/tag")
        public String get() {
            return String.valueOf(TrafficContext.tag());
        }

        @PatchMapping("/tag")
        public String patch() {
            return "patch:" + TrafficContext.tag();
        }

        @GetMapping("/callable")
        public Callable<String> callable() {
            return () -> "callable:" + TrafficContext.tag();
        }

        @GetMapping("/call")
        public String call() {
            return new RestTemplate().getForObject(downstream.url("/from-mvc"), String.class);
        }
    }

    @Configuration
    @EnableWebMvc
    static class MvcConfig {
        @Bean
        TagController tagController() {
            return new TagController();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        InstrumentationHarness.install(new SpringWebPlugin());
        downstream = new HeaderRecorder();
        server = new Server(new InetSocketAddress("127.0.0.1", 0));
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(new TagServlet()), "/plain");
        context.addServlet(new ServletHolder(new TagServlet()), "/filtered");
        context.addFilter(new FilterHolder(new TagFilter()), "/filtered", EnumSet.of(DispatcherType.REQUEST));
        ServletHolder async = new ServletHolder(new AsyncServlet());
        async.setAsyncSupported(true);
        context.addServlet(async, "/async");
        AnnotationConfigWebApplicationContext mvc = new AnnotationConfigWebApplicationContext();
        mvc.register(MvcConfig.class);
        ServletHolder dispatcher = new ServletHolder(new DispatcherServlet(mvc));
        dispatcher.setAsyncSupported(true);
        context.addServlet(dispatcher, "/mvc/*");

        HandlerWrapper probe = new HandlerWrapper() {
            @Override
            public void handle(String target, Request baseRequest, HttpServletRequest request,
                               HttpServletResponse response) throws IOException, ServletException {
                String before = TrafficContext.attach("outer");
                try {
                    super.handle(target, baseRequest, request, response);
                } finally {
                    AFTER.add(TrafficContext.tag() + (TrafficContext.headers() == null ? "" : " with headers"));
                    TrafficContext.restore(before);
                }
            }
        };
        probe.setHandler(context);
        server.setHandler(probe);
        server.start();
        port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
        downstream.close();
        InstrumentationHarness.install(new SpringWebPlugin()).assertNoErrors();
    }

    @BeforeEach
    void drain() {
        AFTER.clear();
    }

    @AfterEach
    void reset() {
        Lanes.install(null);
    }

    private static HttpResponse<String> send(String method, String path, String tag) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (tag != null) {
            request.header("x-lanes-tag", tag);
        }
        HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response;
    }

    /** The container thread's tag after each dispatch of the last request: always what it had before. */
    private static void assertRestoredAfter(int dispatches) throws InterruptedException {
        for (int i = 0; i < dispatches; i++) {
            assertEquals("outer", AFTER.poll(30, TimeUnit.SECONDS), "tag left on the container thread");
        }
    }

    @Test
    void aPlainServletSeesTheHeaderTagAndRestoresTheThread() throws Exception {
        assertEquals("gray", send("GET", "/plain", "gray").body());
        assertRestoredAfter(1);
        assertEquals("null", send("GET", "/plain", null).body(), "an untagged request never sees another's tag");
        assertRestoredAfter(1);
        assertEquals("null", send("GET", "/plain", "bad tag!").body(), "a malformed header counts as none");
        assertRestoredAfter(1);
    }

    @Test
    void filtersRunWithTheTagToo() throws Exception {
        HttpResponse<String> response = send("GET", "/filtered", "gray");
        assertEquals("gray", response.headers().firstValue("x-filter-tag").orElse(null));
        assertEquals("gray", response.body());
        assertRestoredAfter(1);
    }

    @Test
    void baggageCarriesTheTagWhenTheHeaderIsAbsent() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/plain"))
                .header("baggage", "userId=7,lanes.tag=blue").build();
        assertEquals("blue", CLIENT.send(request, HttpResponse.BodyHandlers.ofString()).body());
        assertRestoredAfter(1);
    }

    @Test
    void nodeDyeingTagsAnUntaggedRequest() throws Exception {
        Engine.install("canary");
        assertEquals("canary", send("GET", "/plain", null).body());
        assertEquals("gray", send("GET", "/plain", "gray").body());
        assertRestoredAfter(2);
    }

    @Test
    void anAsyncDispatchOnAnotherThreadSeesTheTag() throws Exception {
        assertEquals("async:gray", send("GET", "/async", "gray").body());
        assertRestoredAfter(2);
    }

    @Test
    void springMvcControllersSeeTheTagIncludingPatchAndCallables() throws Exception {
        assertEquals("gray", send("GET", "/mvc/tag", "gray").body());
        assertRestoredAfter(1);
        assertEquals("patch:gray", send("PATCH", "/mvc/tag", "gray").body());
        assertRestoredAfter(1);
        assertEquals("callable:gray", send("GET", "/mvc/callable", "gray").body());
        assertRestoredAfter(2);
        assertEquals("null", send("GET", "/mvc/tag", null).body());
        assertRestoredAfter(1);
    }

    @Test
    void aControllersOutboundCallCarriesTheInboundTag() throws Exception {
        send("GET", "/mvc/call", "gray");
        assertEquals("gray", HeaderRecorder.values(downstream.next(), "x-lanes-tag"));
        send("GET", "/mvc/call", null);
        assertNull(HeaderRecorder.values(downstream.next(), "x-lanes-tag"));
        assertRestoredAfter(2);
    }

    @Test
    void headersTheRulesCarryAreReadFromTheHeaderElseTheBaggageAndLeaveWithTheRequest() throws Exception {
        CarriedHeaderChecks.run(port, "/filtered", () -> assertRestoredAfter(1));
    }
}
