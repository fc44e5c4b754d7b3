package dev.lanes.demo.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void readsNestedValuesInOrder() {
        Object value = Json.parse(" {\"a\": [1, -2.5e1, true, false, null], \"b\": {\"c\": \"d\"}, \"e\": []} ");
        assertEquals(Map.of("a", Arrays.asList(1L, -25.0, true, false, null), "b", Map.of("c", "d"), "e", List.of()),
                value);
        assertEquals(List.of("a", "b", "e"), List.copyOf(((Map<?, ?>) value).keySet()));
    }

    @Test
    void readsEscapes() {
        assertEquals("q\"b\\s/n\nt\tu\u00e9", Json.parse("\"q\\\"b\\\\s\\/n\\nt\\tu\\u00e9\""));
    }

    @Test
    void rejectsBrokenInputNamingTheOffset() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\" 1}"));
        assertTrue(e.getMessage().contains("offset 5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[1,]"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{} x"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("\"open"));
    }

    @Test
    void chainResponseReadsHopsAndError() {
        ChainResponse response = ChainResponse.parse(502, "{\"hops\":[{\"service\":\"service-a\",\"instance\":\"a-gray\","
                + "\"host\":\"127.0.0.1\",\"port\":8081,\"tag\":\"gray\",\"seenTag\":null}],"
                + "\"error\":{\"service\":\"service-a\",\"calling\":\"service-b\",\"status\":null,\"message\":\"no lane\"}}");
        assertEquals(List.of(new Hop("service-a", "a-gray", "127.0.0.1", 8081, "gray", null)), response.hops());
        assertEquals("a-gray", response.path());
        assertEquals("no lane", response.errorMessage());
        assertEquals(false, response.ok());
    }

    @Test
    void ownWorkRunsReadWorkThreadAndTheirPath() {
        List<OwnWorkRun> runs = OwnWorkRun.parseAll("{\"started\":true,\"runs\":["
                + "{\"work\":\"runner\",\"thread\":\"main\",\"hops\":[{\"instance\":\"a-gray\",\"via\":\"own-work\"},"
                + "{\"instance\":\"b-base\",\"seenTag\":\"gray\",\"seenEnv\":null}]},"
                + "{\"work\":\"scheduled\",\"thread\":\"scheduling-1\",\"hops\":[{\"instance\":\"a-gray\"}],"
                + "\"error\":{\"message\":\"refused\"}}]}");
        assertEquals(2, runs.size());
        assertEquals("runner", runs.get(0).work());
        assertEquals("main", runs.get(0).thread());
        assertEquals("a-gray -> b-base", runs.get(0).answer().path());
        assertEquals("own-work", runs.get(0).answer().hops().get(0).via());
        assertEquals("gray", runs.get(0).answer().hops().get(1).seenTag());
        assertTrue(runs.get(0).answer().ok());
        assertEquals("scheduling-1", runs.get(1).thread());
        assertEquals(false, runs.get(1).answer().ok());
        assertEquals("refused", runs.get(1).answer().errorMessage());
    }

    @Test
    void chainResponseOfANonJsonBodyHasNoHops() {
        ChainResponse response = ChainResponse.parse(500, "<html>oops</html>");
        assertTrue(response.hops().isEmpty());
        assertTrue(response.errorMessage().contains("oops"));
        assertNull(ChainResponse.parse(200, "{\"hops\":[]}").error());
    }
}
