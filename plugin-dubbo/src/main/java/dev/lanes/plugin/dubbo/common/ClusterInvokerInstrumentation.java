package dev.lanes.plugin.dubbo.common;

import dev.lanes.core.plugin.AdviceTarget;
import dev.lanes.core.plugin.TypeInstrumentation;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.matcher.ElementMatcher;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code org.apache.dubbo.rpc.cluster.support.AbstractClusterInvoker}, the base of every Dubbo
 * cluster invoker (failover, failfast, failsafe, forking, broadcast, ...) in 2.7 and 3.x:
 * <ul>
 * <li>{@code initLoadBalance(List, Invocation)} (exit): the chosen load balance is wrapped by
 * {@link LanesLoadBalance}, so warm-up weights act through Dubbo's own selection, retries and
 * sticky calls included;</li>
 * <li>{@code checkInvokers(List, Invocation)} (exit, when it throws "no provider"): a strict
 * lane's error replaces Dubbo's, see {@link StrictLanes}.</li>
 * </ul>
 * Neither has an extension point of its own: the cluster invoker picks its load balance by
 * name, and routers cannot fail a call with a message of their own.
 */
public final class ClusterInvokerInstrumentation implements TypeInstrumentation {

    static final String ABSTRACT_CLUSTER_INVOKER = "org.apache.dubbo.rpc.cluster.support.AbstractClusterInvoker";

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
        return named(ABSTRACT_CLUSTER_INVOKER);
    }

    @Override
    public void transform(AdviceTarget target) {
        target.applyAdvice(named("initLoadBalance").and(takesArguments(2)).and(takesArgument(0, java.util.List.class)),
                ClusterInvokerInstrumentation.class.getName() + "$InitLoadBalanceAdvice");
        target.applyAdvice(named("checkInvokers").and(takesArguments(2)).and(takesArgument(0, java.util.List.class)),
                ClusterInvokerInstrumentation.class.getName() + "$CheckInvokersAdvice");
    }

    /** Wraps the load balance. */
    public static final class InitLoadBalanceAdvice {

        private InitLoadBalanceAdvice() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object balance) {
            balance = LanesLoadBalance.wrap(balance);
        }
    }

    /** Names the strict lane when routing left no provider for it. */
    public static final class CheckInvokersAdvice {

        private CheckInvokersAdvice() {
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Argument(1) Object invocation,
                @Advice.Thrown(readOnly = false) Throwable thrown) {
            if (thrown != null) {
                thrown = StrictLanes.failure(invocation, thrown);
            }
        }
    }
}
