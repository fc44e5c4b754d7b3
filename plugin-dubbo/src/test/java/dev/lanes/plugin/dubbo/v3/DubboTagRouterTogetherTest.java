package dev.lanes.plugin.dubbo.v3;

import static dev.lanes.plugin.dubbo.Fixtures.consumerUrl;
import static dev.lanes.plugin.dubbo.Fixtures.invocation;
import static dev.lanes.plugin.dubbo.Fixtures.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanes.bridge.TrafficContext;
import dev.lanes.plugin.dubbo.Fixtures;
import java.util.ArrayList;
import java.util.List;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.RpcInvocation;
import org.apache.dubbo.rpc.cluster.router.state.BitList;
import org.apache.dubbo.rpc.cluster.router.state.StateRouter;
import org.apache.dubbo.rpc.cluster.router.state.TailStateRouter;
import org.apache.dubbo.rpc.cluster.router.tag.TagStateRouter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Dubbo's own static tag routing ({@code dubbo.tag}) and Lanes, chained as Dubbo chains them:
 * Dubbo's tag router first, the Lanes router on what it left. Each keeps its own semantics;
 * a call goes to providers that satisfy both.
 */
class DubboTagRouterTogetherTest {

    private final Invoker<Object> plain = provider(20880, "");
    private final Invoker<Object> lanesGray = provider(20881, "lanes.tag=gray");
    private final Invoker<Object> dubboGray = provider(20882, "dubbo.tag=gray");
    private final Invoker<Object> bothGray = provider(20883, "dubbo.tag=gray&lanes.tag=gray");
    private final BitList<Invoker<Object>> all = new BitList<>(new ArrayList<>(List.of(plain, lanesGray, dubboGray,
            bothGray)));

    @AfterEach
    void reset() {
        Fixtures.reset();
    }

    @Test
    void eachTagFiltersByItsOwnKeyAndTheCallGetsBoth() throws Exception {
        Fixtures.install(null, null, null);
        StateRouter<Object> chain = chain();

        assertEquals(List.of(plain), route(chain, null, null));
        assertEquals(List.of(lanesGray), route(chain, null, "gray"));
        assertEquals(List.of(dubboGray), route(chain, "gray", null));
        assertEquals(List.of(bothGray), route(chain, "gray", "gray"));
        // A Dubbo tag no provider has falls back to the untagged ones, as in Dubbo without Lanes.
        assertEquals(List.of(lanesGray), route(chain, "blue", "gray"));
    }

    @Test
    void withoutLanesTagsDubbosTagRoutingIsUnchanged() throws Exception {
        Fixtures.install(null, null, null);
        BitList<Invoker<Object>> dubboOnly = new BitList<>(new ArrayList<>(List.of(plain, dubboGray)));
        StateRouter<Object> chain = chain();
        for (String lane : new String[] {null, "gray", "dev1"}) {
            assertEquals(List.of(plain), route(chain, dubboOnly, null, lane));
            assertEquals(List.of(dubboGray), route(chain, dubboOnly, "gray", lane));
        }
    }

    private StateRouter<Object> chain() {
        TagStateRouter<Object> tags = new TagStateRouter<>(consumerUrl());
        StateRouter<Object> lanes = LanesStateRouterFactory.INSTANCE.getRouter(Object.class, consumerUrl());
        tags.setNextRouter(lanes);
        lanes.setNextRouter(TailStateRouter.getInstance());
        return tags;
    }

    private List<Invoker<Object>> route(StateRouter<Object> chain, String dubboTag, String lane) {
        return route(chain, all, dubboTag, lane);
    }

    private List<Invoker<Object>> route(StateRouter<Object> chain, BitList<Invoker<Object>> providers,
            String dubboTag, String lane) {
        RpcInvocation call = invocation("sayHello");
        if (dubboTag != null) {
            call.setAttachment("dubbo.tag", dubboTag);
        }
        TrafficContext.attach(lane);
        return new ArrayList<>(chain.route(providers.clone(), consumerUrl(), call, false, null));
    }
}
