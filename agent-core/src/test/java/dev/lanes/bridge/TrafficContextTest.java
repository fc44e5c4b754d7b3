package dev.lanes.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The thread's traffic state: a tag, and the headers the rules carry down the chain next to it. */
class TrafficContextTest {

    @AfterEach
    void clear() {
        TrafficContext.exit(null);
        CarriedHeaders.propagate(null);
    }

    @Test
    void aTagAloneIsItsOwnStateAndCostsNoObject() {
        assertNull(TrafficContext.capture());
        TrafficContext.attach("gray");
        assertSame(TrafficContext.tag(), TrafficContext.capture(), "no object is made for a tag alone");
        assertEquals("gray", TrafficContext.tagOf(TrafficContext.capture()));
        assertNull(TrafficContext.headersOf(TrafficContext.capture()));
    }

    @Test
    void enterAndExitSetAndRestoreTagAndHeadersTogether() {
        CarriedHeaders dev1 = CarriedHeaders.of("X-Env", "dev1");
        TrafficContext.attach("outer");
        Object previous = TrafficContext.enter(TrafficContext.state("gray", dev1));
        assertEquals("gray", TrafficContext.tag());
        assertSame(dev1, TrafficContext.headers());
        assertEquals("dev1", TrafficContext.headers().get("x-env"));
        assertEquals("dev1", TrafficContext.headers().get("X-ENV"), "names match without regard to case");

        Object nested = TrafficContext.enter(null);
        assertTrue(TrafficContext.isEmpty());
        TrafficContext.exit(nested);
        assertSame(dev1, TrafficContext.headers());

        TrafficContext.exit(previous);
        assertEquals("outer", TrafficContext.tag());
        assertNull(TrafficContext.headers(), "the headers of the inner request do not stay");
    }

    @Test
    void wrappedTasksCarryTheHeadersAndGiveTheThreadBackWhatItHad() throws Exception {
        Object previous = TrafficContext.enter(TrafficContext.state(null, CarriedHeaders.of("x-env", "dev1")));
        Runnable task;
        String[] seen = new String[1];
        try {
            Runnable read = () -> seen[0] = TrafficContext.headers().get("x-env");
            task = TrafficContext.wrap(read);
        } finally {
            TrafficContext.exit(previous);
        }
        TrafficContext.attach("other");
        task.run();
        assertEquals("dev1", seen[0]);
        assertEquals("other", TrafficContext.tag());
        assertNull(TrafficContext.headers());
        TrafficContext.exit(null);
        java.util.concurrent.Callable<String> plain = () -> "x";
        assertSame(plain, TrafficContext.wrap(plain), "nothing to carry: the task itself");
    }

    @Test
    void readTakesTheNamesInForceAndOnlyAcceptableValues() {
        Map<String, String> request = new HashMap<>();
        request.put("x-env", "dev1");
        request.put("x-user-id", "42");
        request.put("x-long", "v".repeat(CarriedHeaders.MAX_VALUE_LENGTH + 1));
        request.put("x-crlf", "a\r\nInjected: yes");
        assertNull(CarriedHeaders.read(request::get), "nothing is carried while the rules name no header");

        CarriedHeaders.propagate(new String[] {"x-env", "x-long", "x-crlf", "x-absent", "x-user-id"});
        CarriedHeaders read = CarriedHeaders.read(request::get);
        assertEquals(2, read.size());
        assertEquals("x-env", read.name(0));
        assertEquals("dev1", read.value(0));
        assertEquals("42", read.get("x-user-id"));
        assertNull(read.get("x-long"), "a value over the length bound is not carried");
        assertNull(read.get("x-crlf"), "a value with control characters is not carried");
        assertNull(CarriedHeaders.read(name -> null), "a request with none of them carries nothing");
    }
}
