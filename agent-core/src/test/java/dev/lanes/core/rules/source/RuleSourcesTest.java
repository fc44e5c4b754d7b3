package dev.lanes.core.rules.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RuleSourcesTest {

    /** A source that records how it was started. */
    static final class RecordingSource implements RuleSource {
        private final String scheme;
        String location;
        RuleSink sink;

        RecordingSource(String scheme) {
            this.scheme = scheme;
        }

        @Override
        public String scheme() {
            return scheme;
        }

        @Override
        public void start(String location, RuleSink sink) {
            this.location = location;
            this.sink = sink;
        }

        @Override
        public void close() {
        }
    }

    private static final RuleSink NO_SINK = new RuleSink() {
        @Override
        public void accept(String text, String origin) {
        }

        @Override
        public void sourceError(String message, Throwable cause) {
        }
    };

    @Test
    void picksTheSourceBySchemeAndPassesTheRestAsLocation() throws Exception {
        RecordingSource file = new RecordingSource("file");
        RecordingSource nacos = new RecordingSource("nacos");
        RuleSources sources = new RuleSources(List.of(file, nacos));

        assertSame(file, sources.start("file:/etc/lanes/rules.yaml", NO_SINK));
        assertEquals("/etc/lanes/rules.yaml", file.location);
        assertSame(NO_SINK, file.sink);

        assertSame(nacos, sources.start("  NACOS://127.0.0.1:8848/lanes-rules?group=DEFAULT ", NO_SINK));
        assertEquals("//127.0.0.1:8848/lanes-rules?group=DEFAULT", nacos.location);
        assertEquals(Set.of("file", "nacos"), sources.schemes());
    }

    @Test
    void anUnknownSchemeNamesTheSettingTheValueAndTheKnownSchemes() {
        RuleSources sources = new RuleSources(List.of(new RecordingSource("file"), new RecordingSource("nacos")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sources.start("zookeeper://127.0.0.1:2181/lanes", NO_SINK));
        assertTrue(e.getMessage().contains("lanes.rules"), e.getMessage());
        assertTrue(e.getMessage().contains("'zookeeper://127.0.0.1:2181/lanes'"), e.getMessage());
        assertTrue(e.getMessage().contains("file, nacos"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "rules.yaml", "/etc/lanes/rules.yaml", "C:\\lanes\\rules.yaml", "file:",
        "file:  ", "1file:/x", ":x"})
    void aMalformedSettingIsRejectedWithAClearMessage(String value) {
        RuleSources sources = new RuleSources(List.of(new RecordingSource("file")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sources.start(value, NO_SINK));
        assertTrue(e.getMessage().startsWith("setting lanes.rules = '" + value + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("SCHEME:LOCATION"), e.getMessage());
    }

    @Test
    void splitsWithoutStarting() {
        RuleSources sources = new RuleSources(List.of());
        assertArrayEquals(new String[] {"file", "rules.yaml"}, sources.split("File:rules.yaml"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sources.split("nowhere"));
        assertTrue(e.getMessage().contains("no rule source is on the class path"), e.getMessage());
    }

    @Test
    void theFirstSourceOfASchemeWins() {
        RecordingSource first = new RecordingSource("file");
        RuleSources sources = new RuleSources(List.of(first, new RecordingSource("FILE")));
        assertSame(first, sources.forScheme("file"));
    }
}
