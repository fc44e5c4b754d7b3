package dev.lanes.plugin.springcloud.web.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class QueryStringsTest {

    @Test
    void readsTheFirstValueDecoded() {
        assertEquals("1", QueryStrings.first("a=1&b=2&a=3", "a"));
        assertEquals("2", QueryStrings.first("a=1&b=2", "b"));
        assertEquals("x y/z", QueryStrings.first("q=x+y%2Fz", "q"));
        assertEquals("v", QueryStrings.first("user%20id=v", "user id"));
        assertEquals("", QueryStrings.first("flag&x=1", "flag"));
        assertEquals("", QueryStrings.first("e=", "e"));
        assertEquals("%zz", QueryStrings.first("bad=%zz", "bad"));
    }

    @Test
    void absentIsNull() {
        assertNull(QueryStrings.first("a=1", "b"));
        assertNull(QueryStrings.first("ab=1", "a"));
        assertNull(QueryStrings.first("", "a"));
        assertNull(QueryStrings.first(null, "a"));
    }
}
