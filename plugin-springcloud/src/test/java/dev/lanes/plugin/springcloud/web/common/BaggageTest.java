package dev.lanes.plugin.springcloud.web.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class BaggageTest {

    @Test
    void findsTheLanesMemberAmongOthers() {
        assertEquals("gray", Baggage.tagIn("lanes.tag=gray"));
        assertEquals("gray", Baggage.tagIn("userId=42, lanes.tag = gray ;ttl=3,region=eu"));
        assertEquals("dev-1", Baggage.tagIn("a=b,lanes.tag=dev%2D1"));
        assertNull(Baggage.tagIn("userId=42,xlanes.tag=gray"));
        assertNull(Baggage.tagIn("lanes.tagx=gray"));
        assertNull(Baggage.tagIn("lanes.tag"));
        assertNull(Baggage.tagIn(""));
        assertNull(Baggage.tagIn(null));
    }

    @Test
    void findsTheMemberInAnyOfSeveralValues() {
        assertEquals("gray", Baggage.tagInAny(java.util.Arrays.asList("a=1", "b=2, lanes.tag=gray")));
        assertNull(Baggage.tagInAny(java.util.Arrays.asList("a=1", "b=2")));
        assertNull(Baggage.tagInAny(java.util.Collections.emptyList()));
    }

    @Test
    void countsMembersAndWritesOne() {
        assertEquals(0, Baggage.memberCount(" "));
        assertEquals(2, Baggage.memberCount("a=1, b=2,"));
        assertEquals("lanes.tag=gray", Baggage.memberFor("gray"));
    }
}
