package dev.lanes.core.routing;

import org.apache.dubbo.common.URL;
import org.apache.dubbo.common.constants.CommonConstants;
import org.apache.dubbo.rpc.Invocation;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.Result;
import org.apache.dubbo.rpc.RpcInvocation;
import org.apache.dubbo.rpc.cluster.loadbalance.RandomLoadBalance;
import org.apache.dubbo.rpc.cluster.router.state.BitList;
import org.apache.dubbo.rpc.cluster.router.tag.TagStateRouter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.LoadBalancerProperties;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.RequestData;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.HintBasedServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.RoundRobinLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.util.LinkedMultiValueMap;
import reactor.core.publisher.Flux;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The frameworks' own choice of one instance, on the same instance lists as {@link ChooseBenchmark}
 * (10% tagged gray, 10% dev1, one instance in seven warming up), to set Lanes' cost beside it:
 * Apache Dubbo's tag router then its random load balance (the consumer's path for a call with or
 * without a {@code dubbo.tag} attachment), and Spring Cloud LoadBalancer's round-robin balancer
 * over a hint-filtering supplier (its own way to steer a request to tagged instances).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FrameworkChooseBenchmark {

    private static final String SERVICE = "org.example.OrderService";
    private static final long WARMUP_MILLIS = 120_000L;

    @Param({"10", "100", "1000"})
    public int instances;

    private TagStateRouter<Object> tagRouter;
    private RandomLoadBalance random;
    private URL consumerUrl;
    private BitList<Invoker<Object>> invokers;
    private Invocation plainInvocation;
    private Invocation grayInvocation;

    private RoundRobinLoadBalancer roundRobin;
    private Request<RequestDataContext> plainRequest;
    private Request<RequestDataContext> grayRequest;

    @Setup(Level.Trial)
    public void setUp() {
        long now = System.currentTimeMillis();
        List<Invoker<Object>> dubboInvokers = new ArrayList<>();
        List<ServiceInstance> springInstances = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            String tag = i % 10 == 0 ? "gray" : i % 10 == 5 ? "dev1" : null;
            // The same warming instances as ChooseBenchmark, inside the window for the whole run.
            long start = i % 7 == 3 ? now - 20_000L : now - 3_600_000L;
            String host = "10.0." + (i / 250) + "." + (i % 250);
            // What a Dubbo 3 provider registers: its tag, its start time and its warm-up window.
            String url = "dubbo://" + host + ":20880/" + SERVICE + "?interface=" + SERVICE + "&side=provider"
                    + "&timestamp=" + start + "&warmup=" + WARMUP_MILLIS
                    + (tag == null ? "" : "&" + CommonConstants.TAG_KEY + "=" + tag);
            dubboInvokers.add(new ProviderInvoker(URL.valueOf(url)));
            Map<String, String> metadata = new HashMap<>();
            if (tag != null) {
                metadata.put("hint", tag);
            }
            springInstances.add(new DefaultServiceInstance(host + ":8080", "order-service", host, 8080, false,
                    metadata));
        }

        consumerUrl = URL.valueOf("consumer://10.0.9.9/" + SERVICE + "?interface=" + SERVICE
                + "&application=gateway&side=consumer");
        tagRouter = new TagStateRouter<>(consumerUrl);
        random = new RandomLoadBalance();
        invokers = new BitList<>(dubboInvokers);
        plainInvocation = new RpcInvocation("findOrder", SERVICE, SERVICE, new Class<?>[0], new Object[0]);
        RpcInvocation gray = new RpcInvocation("findOrder", SERVICE, SERVICE, new Class<?>[0], new Object[0]);
        gray.setAttachment(CommonConstants.TAG_KEY, "gray");
        grayInvocation = gray;

        LoadBalancerProperties properties = new LoadBalancerProperties();
        ServiceInstanceListSupplier supplier = new HintBasedServiceInstanceListSupplier(
                new FixedSupplier("order-service", Collections.unmodifiableList(springInstances)), properties);
        roundRobin = new RoundRobinLoadBalancer(new FixedProvider(supplier), "order-service");
        plainRequest = request(null, properties);
        grayRequest = request("gray", properties);
    }

    private static Request<RequestDataContext> request(String hint, LoadBalancerProperties properties) {
        HttpHeaders headers = new HttpHeaders();
        headers.add("Accept", "application/json");
        if (hint != null) {
            headers.add(properties.getHintHeaderName(), hint);
        }
        RequestData data = new RequestData(HttpMethod.GET, URI.create("http://order-service/orders/42"), headers,
                new LinkedMultiValueMap<>(), new HashMap<>());
        return new DefaultRequest<>(new RequestDataContext(data));
    }

    /** Dubbo, untagged call: the tag router keeps the untagged providers, random picks by weight. */
    @Benchmark
    public Invoker<Object> dubboUntagged() {
        return dubbo(plainInvocation);
    }

    /** Dubbo, a call carrying dubbo.tag=gray: the gray providers, random picks by weight. */
    @Benchmark
    public Invoker<Object> dubboTagged() {
        return dubbo(grayInvocation);
    }

    private Invoker<Object> dubbo(Invocation invocation) {
        BitList<Invoker<Object>> routed = tagRouter.route(invokers, consumerUrl, invocation, false, null);
        return random.select(routed, consumerUrl, invocation);
    }

    /** Spring Cloud, no hint: round-robin over every instance (it has no notion of base). */
    @Benchmark
    public ServiceInstance springUntagged() {
        return spring(plainRequest);
    }

    /** Spring Cloud, hint header gray: round-robin over the instances whose hint is gray. */
    @Benchmark
    public ServiceInstance springTagged() {
        return spring(grayRequest);
    }

    private ServiceInstance spring(Request<RequestDataContext> request) {
        // What BlockingLoadBalancerClient does for a RestTemplate call.
        Response<ServiceInstance> response = roundRobin.choose(request).block();
        return response == null ? null : response.getServer();
    }

    /** A provider as a Dubbo consumer's directory holds it: a URL; never invoked here. */
    static final class ProviderInvoker implements Invoker<Object> {
        private final URL url;

        ProviderInvoker(URL url) {
            this.url = url;
        }

        @Override
        public Class<Object> getInterface() {
            return Object.class;
        }

        @Override
        public Result invoke(Invocation invocation) {
            throw new UnsupportedOperationException("the benchmark only chooses");
        }

        @Override
        public URL getUrl() {
            return url;
        }

        @Override
        public boolean isAvailable() {
            return true;
        }

        @Override
        public void destroy() {
        }
    }

    /**
     * A supplier whose list was fetched already, as the caching supplier in front of discovery
     * hands it out between refreshes (without the cache's own look-up, so the framework's side is,
     * if anything, measured cheaper than in an application).
     */
    static final class FixedSupplier implements ServiceInstanceListSupplier {
        private final String serviceId;
        private final Flux<List<ServiceInstance>> instances;

        FixedSupplier(String serviceId, List<ServiceInstance> instances) {
            this.serviceId = serviceId;
            this.instances = Flux.just(instances);
        }

        @Override
        public String getServiceId() {
            return serviceId;
        }

        @Override
        public Flux<List<ServiceInstance>> get() {
            return instances;
        }
    }

    /** The supplier bean as the balancer looks it up in its child context. */
    static final class FixedProvider implements ObjectProvider<ServiceInstanceListSupplier> {
        private final ServiceInstanceListSupplier supplier;

        FixedProvider(ServiceInstanceListSupplier supplier) {
            this.supplier = supplier;
        }

        @Override
        public ServiceInstanceListSupplier getObject(Object... args) {
            return supplier;
        }

        @Override
        public ServiceInstanceListSupplier getIfAvailable() {
            return supplier;
        }

        @Override
        public ServiceInstanceListSupplier getIfUnique() {
            return supplier;
        }

        @Override
        public ServiceInstanceListSupplier getObject() {
            return supplier;
        }
    }
}
