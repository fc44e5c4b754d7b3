package dev.lanes.plugin.springcloud.web.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.lanes.bridge.Lanes;
import dev.lanes.bridge.TrafficContext;
import dev.lanes.plugin.springcloud.Engine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InboundTagsTest {

    @AfterEach
    void reset() {
        Lanes.install(null);
        TrafficContext.restore(null);
    }

    @Test
    void headerWinsOverBaggageAndMalformedValuesAreIgnored() {
        assertEquals("gray", InboundTags.carried("gray", "blue"));
        assertEquals("blue", InboundTags.carried(null, "blue"));
        assertEquals("blue", InboundTags.carried("not a tag!", "blue"));
        assertNull(InboundTags.carried(" ", null));
        assertNull(InboundTags.carried(null, "-x"));
    }

    @Test
    void theRoutingFacadeDecidesAndAFaultKeepsTheCarriedTag() {
        assertEquals("gray", InboundTags.decide("gray", null), "pass-through keeps the carried tag");
        Engine.install("canary");
        assertEquals("canary", InboundTags.decide(null, null), "an untagged request is dyed");
        assertEquals("gray", InboundTags.decide("gray", null), "a tagged request keeps its tag");
        Engine.install(null).broken = true;
        assertEquals("gray", InboundTags.decide("gray", null));
    }

    @Test
    void marksRoundTripAndRestoreIgnoresNotAttached() {
        assertNull(InboundTags.unmark(InboundTags.mark(null)));
        assertEquals("gray", InboundTags.unmark(InboundTags.mark("gray")));
        TrafficContext.attach("outer");
        InboundTags.restore(TrafficContext.NOT_ENTERED);
        assertEquals("outer", TrafficContext.tag());
        InboundTags.restore(null);
        assertNull(TrafficContext.tag());
    }
}
