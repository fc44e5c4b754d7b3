package dev.lanes.plugin.dubbo.common;

import static dev.lanes.plugin.dubbo.Fixtures.invocation;
import static dev.lanes.plugin.dubbo.Fixtures.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.lanes.bridge.RequestView;
import org.apache.dubbo.rpc.RpcInvocation;
import org.junit.jupiter.api.Test;

/** How the engine reads Dubbo providers and calls. */
class ViewsTest {

    @Test
    void providersAreReadFromTheirUrlParameters() {
        InvokerView view = InvokerView.INSTANCE;
        assertEquals("gray", view.tag(provider(20880, "lanes.tag=gray")));
        assertNull(view.tag(provider(20880, "")));
        assertNull(view.tag(provider(20880, "lanes.tag=")));
        assertNull(view.tag(provider(20880, "lanes.tag=has%20space")));
        assertEquals(1_700_000_000_123L, view.startMillis(provider(20880, "lanes.start=1700000000123&timestamp=5")));
        assertEquals(1_700_000_000_456L, view.startMillis(provider(20880, "timestamp=1700000000456")));
        assertEquals(-1L, view.startMillis(provider(20880, "lanes.start=soon")));
        assertEquals(-1L, view.startMillis(provider(20880, "")));
        assertEquals("127.0.0.1:20880", view.address(provider(20880, "")));
        assertNull(view.tag(null));
    }

    @Test
    void callsShowMethodArgumentsAndAttachmentsAsRequestAttributes() {
        RpcInvocation call = invocation("sayHello", "vip-7", 42);
        call.setAttachment("X-Env", "dev1");
        RequestView view = InvocationView.of(call);
        assertEquals("sayHello", view.method());
        assertEquals("vip-7", view.argument(0));
        assertEquals(42, view.argument(1));
        assertNull(view.argument(2));
        assertNull(view.argument(-1));
        assertEquals("dev1", view.header("X-Env"));
        assertEquals("dev1", view.header("x-env"));
        assertNull(view.header("x-other"));
        assertNull(view.path());
        assertNull(view.query("q"));
        assertNull(view.cookie("c"));

        RpcInvocation generic = invocation("$invoke", "sayBye", new String[] {"int"}, new Object[] {7});
        RequestView genericView = InvocationView.of(generic);
        assertEquals("sayBye", genericView.method());
        assertEquals(7, genericView.argument(0));
        assertEquals(RequestView.EMPTY, InvocationView.of(null));
    }
}
