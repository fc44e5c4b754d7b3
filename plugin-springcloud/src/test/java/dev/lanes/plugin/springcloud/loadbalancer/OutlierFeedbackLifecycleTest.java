package dev.lanes.plugin.springcloud.loadbalancer;

import dev.lanes.bridge.Lanes;
import dev.lanes.plugin.springcloud.Engine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.DefaultResponse;
import org.springframework.cloud.client.loadbalancer.EmptyResponse;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.client.loadbalancer.ResponseData;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

import java.io.IOException;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Outcomes as the Spring Cloud clients report them, turned into outlier feedback. */
class OutlierFeedbackLifecycleTest {

    private Engine routing;
    private final ServiceInstance instance = new DefaultServiceInstance("i", "orders", "10.0.0.9", 8080, false);
    private final DefaultRequest<RequestDataContext> request = new DefaultRequest<>(new RequestDataContext());
    private final OutlierFeedbackLifecycle lifecycle = LoadBalancerHelper.feedback("orders");

    @BeforeEach
    void install() {
        routing = Engine.install(null);
    }

    @AfterEach
    void uninstall() {
        Lanes.install(null);
    }

    @SuppressWarnings("unchecked")
    private void complete(CompletionContext<?, ServiceInstance, RequestDataContext> context) {
        lifecycle.onComplete(context);
    }

    private static ResponseData status(HttpStatus status) {
        return new ResponseData(status, new HttpHeaders(), null, null);
    }

    @Test
    void errorsAndServerErrorsAreFailuresOtherStatusesSuccesses() {
        DefaultResponse chosen = new DefaultResponse(instance);
        complete(new CompletionContext<>(CompletionContext.Status.SUCCESS, request, chosen, status(HttpStatus.OK)));
        complete(new CompletionContext<>(CompletionContext.Status.SUCCESS, request, chosen,
                status(HttpStatus.NOT_FOUND)));
        complete(new CompletionContext<>(CompletionContext.Status.SUCCESS, request, chosen,
                status(HttpStatus.SERVICE_UNAVAILABLE)));
        complete(new CompletionContext<Object, ServiceInstance, RequestDataContext>(CompletionContext.Status.FAILED,
                new ConnectException("refused"), request, chosen));
        complete(new CompletionContext<>(CompletionContext.Status.SUCCESS, request, chosen, "no status at all"));
        complete(new CompletionContext<>(CompletionContext.Status.DISCARD, request, chosen));
        complete(new CompletionContext<>(CompletionContext.Status.FAILED, request, new EmptyResponse()));

        List<String> outcomes = new ArrayList<>();
        for (Engine.Outcome o : routing.outcomes) {
            outcomes.add(o.toString());
        }
        assertEquals(List.of("orders@10.0.0.9:8080=true", "orders@10.0.0.9:8080=true", "orders@10.0.0.9:8080=false",
                "orders@10.0.0.9:8080=false", "orders@10.0.0.9:8080=true"), outcomes);
    }

    @Test
    void countsEachCallByLaneAndTheCalledInstancesTagWithItsDuration() {
        ServiceInstance gray = new DefaultServiceInstance("g", "orders", "10.0.0.7", 8080, false,
                Map.of("lanes.tag", "gray"));
        HttpHeaders headers = new HttpHeaders();
        headers.set("x-lanes-tag", "gray");
        RequestDataContext context = new RequestDataContext(new org.springframework.cloud.client.loadbalancer
                .RequestData(org.springframework.http.HttpMethod.GET, java.net.URI.create("http://orders/x"), headers,
                new HttpHeaders(), Map.of()));
        DefaultRequest<RequestDataContext> tagged = new DefaultRequest<>(context);
        DefaultResponse chosen = new DefaultResponse(gray);

        lifecycle.onStartRequest(tagged, chosen);
        assertTrue(context.getRequestStartTime() > 0, "the call's start is kept on its context");
        complete(new CompletionContext<>(CompletionContext.Status.SUCCESS, tagged, chosen, status(HttpStatus.OK)));
        complete(new CompletionContext<>(CompletionContext.Status.SUCCESS, request, new DefaultResponse(instance),
                status(HttpStatus.BAD_GATEWAY)));

        assertEquals(1, routing.router.metrics().calls("orders", "gray", "gray", true));
        assertEquals(1, routing.router.metrics().calls("orders", null, null, false), "no tag on the request: base");
        StringBuilder page = new StringBuilder();
        routing.router.metrics().writePrometheus(page);
        assertTrue(page.toString().contains(
                "lanes_call_duration_seconds_count{service=\"orders\",lane=\"gray\",instance_tag=\"gray\"} 1"),
                page.toString());
        assertTrue(page.toString().contains(
                "lanes_call_duration_seconds_count{service=\"orders\",lane=\"base\",instance_tag=\"base\"} 0"),
                "a call whose start was not seen has no duration: " + page);
    }

    @Test
    void readsStatusCodesOfEveryShape() throws IOException {
        assertEquals(503, HttpStatusReader.status(status(HttpStatus.SERVICE_UNAVAILABLE)));
        // Spring Cloud 3.1's raw status mode: only the Integer is set.
        assertEquals(599, HttpStatusReader.status(new ResponseData(new HttpHeaders(), null, null, 599)));
        assertEquals(502, HttpStatusReader.status(new FeignLike(502)));
        assertEquals(-1, HttpStatusReader.status("text"));
        assertEquals(-1, HttpStatusReader.status(null));
    }

    @Test
    void joinsEveryLifecycleMapOnceAndSupportsEveryClient() {
        Map<String, LoadBalancerLifecycle> beans = new LinkedHashMap<>();
        Object withFeedback = LoadBalancerHelper.withFeedback(new FakeFactory(), "orders", LoadBalancerLifecycle.class,
                beans);
        assertSame(beans, withFeedback);
        assertSame(lifecycle, beans.get(LoadBalancerHelper.FEEDBACK_BEAN));
        assertSame(beans, LoadBalancerHelper.withFeedback(new FakeFactory(), "orders", LoadBalancerLifecycle.class, beans));
        assertEquals(1, beans.size());
        Map<?, ?> readOnly = (Map<?, ?>) LoadBalancerHelper.withFeedback(new FakeFactory(), "orders",
                LoadBalancerLifecycle.class, java.util.Collections.emptyMap());
        assertSame(lifecycle, readOnly.get(LoadBalancerHelper.FEEDBACK_BEAN));
        assertSame(beans, LoadBalancerHelper.withFeedback(new FakeFactory(), "orders", String.class, beans));
        assertSame(beans, LoadBalancerHelper.withFeedback(new Object(), "orders", LoadBalancerLifecycle.class, beans));
        assertTrue(lifecycle.supports(Object.class, Object.class, ServiceInstance.class));
    }

    /** Feign's response reports its status through status(). */
    public static final class FeignLike {
        private final int status;

        FeignLike(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** Only the factory's type matters to the helper here. */
    static final class FakeFactory implements
            org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer.Factory<ServiceInstance> {
        @Override
        public org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer<ServiceInstance> getInstance(
                String serviceId) {
            return null;
        }

        @Override
        public <X> Map<String, X> getInstances(String name, Class<X> type) {
            return null;
        }

        @Override
        public <X> X getInstance(String name, Class<?> clazz, Class<?>... generics) {
            return null;
        }
    }
}
