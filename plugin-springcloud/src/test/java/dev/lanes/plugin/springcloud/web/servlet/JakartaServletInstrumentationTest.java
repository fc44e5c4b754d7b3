package dev.lanes.plugin.springcloud.web.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanes.bridge.CarriedHeaders;
import dev.lanes.bridge.TrafficContext;
import dev.lanes.plugin.springcloud.web.SpringWebPlugin;
import dev.lanes.testing.InstrumentationHarness;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.valves.ValveBase;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real jakarta servlet container (Tomcat 10.0): servlets and filters see the request's tag,
 * async dispatches too, and a valve around the context checks, on the same thread, that the
 * thread has exactly its previous tag once the request leaves the servlet.
 */
class JakartaServletInstrumentationTest {

    private static final BlockingQueue<String> AFTER = new LinkedBlockingQueue<>();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static Tomcat tomcat;
    private static Path baseDir;
    private static int port;

    /** Answers with the tag attached while it serves; answers async requests on the async dispatch. */
    public static final class TagServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            if (req.getRequestURI().endsWith("/async") && req.getDispatcherType() == DispatcherType.REQUEST) {
                req.startAsync().dispatch();
                return;
            }
            resp.getWriter().write(req.getDispatcherType() + ":" + TrafficContext.tag());
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

    @BeforeAll
    static void start() throws LifecycleException, IOException {
        InstrumentationHarness.install(new SpringWebPlugin());
        baseDir = Files.createTempDirectory("lanes-tomcat");
        tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", baseDir.toString());
        Tomcat.addServlet(context, "tag", new TagServlet()).setAsyncSupported(true);
        context.addServletMappingDecoded("/*", "tag");
        FilterDef filter = new FilterDef();
        filter.setFilterName("tag-filter");
        filter.setFilter(new TagFilter());
        filter.setAsyncSupported("true");
        context.addFilterDef(filter);
        FilterMap mapping = new FilterMap();
        mapping.setFilterName("tag-filter");
        mapping.addURLPattern("/*");
        context.addFilterMap(mapping);
        context.getPipeline().addValve(new ValveBase(true) {
            @Override
            public void invoke(Request request, Response response) throws IOException, ServletException {
                String before = TrafficContext.attach("outer");
                try {
                    getNext().invoke(request, response);
                } finally {
                    AFTER.add(TrafficContext.tag() + (TrafficContext.headers() == null ? "" : " with headers"));
                    TrafficContext.restore(before);
                }
            }
        });
        tomcat.start();
        port = connector.getLocalPort();
    }

    @AfterAll
    static void stop() throws LifecycleException {
        tomcat.stop();
        tomcat.destroy();
        InstrumentationHarness.install(new SpringWebPlugin()).assertNoErrors();
    }

    @BeforeEach
    void drain() {
        AFTER.clear();
    }

    private static HttpResponse<String> get(String path, String tag) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (tag != null) {
            request.header("x-lanes-tag", tag);
        }
        HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response;
    }

    private static void assertRestoredAfter(int dispatches) throws InterruptedException {
        for (int i = 0; i < dispatches; i++) {
            assertEquals("outer", AFTER.poll(30, TimeUnit.SECONDS), "tag left on the container thread");
        }
    }

    @Test
    void servletAndFilterSeeTheTagAndTheThreadIsRestored() throws Exception {
        HttpResponse<String> tagged = get("/tag", "gray");
        assertEquals("REQUEST:gray", tagged.body());
        assertEquals("gray", tagged.headers().firstValue("x-filter-tag").orElse(null));
        assertRestoredAfter(1);

        HttpResponse<String> untagged = get("/tag", null);
        assertEquals("REQUEST:null", untagged.body());
        assertEquals("null", untagged.headers().firstValue("x-filter-tag").orElse(null));
        assertRestoredAfter(1);
    }

    @Test
    void anAsyncDispatchSeesTheTag() throws Exception {
        assertEquals("ASYNC:blue", get("/async", "blue").body());
        assertRestoredAfter(2);
    }

    @Test
    void headersTheRulesCarryAreReadFromTheHeaderElseTheBaggageAndLeaveWithTheRequest() throws Exception {
        CarriedHeaderChecks.run(port, "/tag", () -> assertRestoredAfter(1));
    }
}
