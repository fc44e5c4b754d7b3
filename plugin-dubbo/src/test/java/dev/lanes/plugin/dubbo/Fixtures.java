package dev.lanes.plugin.dubbo;

import dev.lanes.bridge.Lanes;
import dev.lanes.bridge.TrafficContext;
import dev.lanes.core.routing.LaneRouter;
import dev.lanes.core.rules.RuleParser;
import dev.lanes.core.rules.RuleSnapshot;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.rpc.AsyncRpcResult;
import org.apache.dubbo.rpc.Invocation;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.Result;
import org.apache.dubbo.rpc.RpcException;
import org.apache.dubbo.rpc.RpcInvocation;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Real Dubbo objects (URLs, invocations, results) and the real routing engine for this
 * module's tests: providers are invokers with a provider URL, as a consumer's directory holds
 * them; the engine is installed as the facade, as the agent does.
 */
public final class Fixtures {

    public static final String SERVICE = "com.example.GreetingService";

    private Fixtures() {
    }

    /** Installs the routing engine with {@code rules} (YAML) for an instance tagged {@code instanceTag}. */
    public static LaneRouter install(String instanceTag, String rules, java.util.function.LongSupplier clock)
            throws Exception {
        RuleSnapshot snapshot = rules == null ? RuleSnapshot.EMPTY : RuleParser.parse(rules, "test");
        LaneRouter router = new LaneRouter("test-app", instanceTag, () -> snapshot, null,
                clock == null ? System::currentTimeMillis : clock);
        Lanes.install(router);
        return router;
    }

    /** Back to no routing and an untagged thread. */
    public static void reset() {
        Lanes.install(null);
        TrafficContext.exit(null);
        dev.lanes.bridge.CarriedHeaders.propagate(null);
    }

    /** A provider of {@link #SERVICE} at 127.0.0.1:{@code port}, with extra URL parameters ("k=v&..."). */
    public static Provider provider(int port, String parameters) {
        return new Provider(URL.valueOf("dubbo://127.0.0.1:" + port + "/" + SERVICE + "?interface=" + SERVICE
                + "&remote.application=greeting-provider" + (parameters.isEmpty() ? "" : "&" + parameters)), null);
    }

    /** The consumer URL a directory routes for. */
    public static URL consumerUrl() {
        return URL.valueOf("consumer://127.0.0.1/" + SERVICE + "?interface=" + SERVICE);
    }

    public static RpcInvocation invocation(String method, Object... arguments) {
        Class<?>[] types = new Class<?>[arguments.length];
        for (int i = 0; i < arguments.length; i++) {
            types[i] = arguments[i] == null ? Object.class : arguments[i].getClass();
        }
        return new RpcInvocation(method, SERVICE, SERVICE, types, arguments);
    }

    @SafeVarargs
    public static <T> List<T> list(T... items) {
        List<T> list = new ArrayList<>();
        for (T item : items) {
            list.add(item);
        }
        return list;
    }

    /** A provider invoker; what its invoke does is up to the test. */
    public static final class Provider implements Invoker<Object> {
        private final URL url;
        private final Function<Invocation, Result> behaviour;

        /** A provider at {@code url} that answers "ok". */
        public Provider(URL url) {
            this(url, null);
        }

        Provider(URL url, Function<Invocation, Result> behaviour) {
            this.url = url;
            this.behaviour = behaviour;
        }

        /** The same provider answering with {@code behaviour}. */
        public Provider answering(Function<Invocation, Result> behaviour) {
            return new Provider(url, behaviour);
        }

        @Override
        public Class<Object> getInterface() {
            return Object.class;
        }

        @Override
        public Result invoke(Invocation invocation) throws RpcException {
            return behaviour == null ? AsyncRpcResult.newDefaultAsyncResult("ok", invocation) : behaviour.apply(invocation);
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

        @Override
        public String toString() {
            return url.getAddress();
        }
    }
}
