package dev.lanes.demo.runner.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The benchmark's parsers and arithmetic, without starting anything. */
class FootprintBenchPartsTest {

    @Test
    void heapInfoOfSerialGcSumsTheGenerations() {
        String info = String.join("\n",
                "12345:",
                " def new generation   total 9792K, used 1024K [0x00000000f0000000, 0x00000000f0aa0000)",
                "  eden space 8704K,  11% used [0x00000000f0000000, 0x00000000f0100000)",
                "  from space 1088K,   0% used [0x00000000f0880000, 0x00000000f0880000)",
                " tenured generation   total 21888K, used 19456K [0x00000000f5550000, 0x00000000f6ab0000)",
                "   the space 21888K,  88% used [0x00000000f5550000, 0x00000000f6a50000)",
                " Metaspace       used 43520K, committed 44032K, reserved 1089536K",
                "  class space    used 5120K, committed 5376K, reserved 1048576K");
        assertArrayEquals(new double[] {20.0, 42.5}, JvmProbe.parseHeapInfo(info), 1e-9);
    }

    @Test
    void heapInfoOfG1ReadsTheOneHeapLine() {
        String info = String.join("\n",
                " garbage-first heap   total 262144K, used 30720K [0x00000000f0000000, 0x0000000100000000)",
                "  region size 1024K, 1 young (1024K), 0 survivors (0K)",
                " Metaspace       used 51200K, committed 51712K, reserved 1097728K",
                "  class space    used 6144K, committed 6400K, reserved 1048576K");
        assertArrayEquals(new double[] {30.0, 50.0}, JvmProbe.parseHeapInfo(info), 1e-9);
    }

    @Test
    void heapInfoWithoutItsLinesIsAnError() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> JvmProbe.parseHeapInfo("12345:\nCommand executed successfully"));
        assertTrue(e.getMessage().contains("Metaspace used"), e.getMessage());
    }

    @Test
    void startTimesOfBoot3Boot2AndTheAgent() {
        String boot3 = "2026-12-03 10:32:14.116 [lanes] INFO Lanes 0.1.0-SNAPSHOT started: app=service-a, tag=(base),"
                + " rules=file:/x, plugins=[springweb], in 1757 ms\n"
                + "... INFO 1 --- [main] d.l.demo.app.DemoApplication : Started DemoApplication in 7.9 seconds"
                + " (process running for 8.92)\n";
        assertArrayEquals(new double[] {8.92, 1757}, JvmProbe.startTimes(boot3), 1e-9);
        String boot2 = "Started DemoApplication in 5.1 seconds (JVM running for 5.35)";
        double[] times = JvmProbe.startTimes(boot2);
        assertEquals(5.35, times[0], 1e-9);
        assertTrue(Double.isNaN(times[1]));
    }

    @Test
    void mediansSkipMissingFigures() {
        Map<Figure, Double> a = figures(1);
        Map<Figure, Double> b = figures(3);
        Map<Figure, Double> c = figures(2);
        c.put(Figure.P99, Double.NaN);
        Map<Figure, Double> medians = FootprintBench.medians(List.of(a, b, c));
        assertEquals(2, medians.get(Figure.THROUGHPUT));
        assertEquals(2, medians.get(Figure.P99), "the median of 1 and 3");
    }

    @Test
    void columnsOfTheFloorRunAreNumbered() {
        assertEquals(List.of("agent", "bare"), FootprintBench.columnNames(List.of("agent", "bare")));
        assertEquals(List.of("bare#1", "bare#2"), FootprintBench.columnNames(List.of("bare", "bare")));
    }

    @Test
    void optionsAndTheirMistakes() {
        BenchOptions defaults = BenchOptions.defaults();
        assertEquals(6, defaults.rounds());
        assertEquals(List.of("agent", "bare"), defaults.arms());
        assertEquals(BenchOptions.Rules.ZOOKEEPER, defaults.rules());
        assertEquals(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), defaults.jvmArgs());
        BenchOptions floor = BenchOptions.parse(new String[] {"--floor", "--warmup", "0", "--duration", "2.5",
                "--jvm-args", " -Xmx512m  -XX:+UseG1GC "});
        assertEquals(List.of("bare", "bare"), floor.arms());
        assertEquals(Duration.ZERO, floor.warmup());
        assertEquals(Duration.ofMillis(2500), floor.duration());
        assertEquals(List.of("-Xmx512m", "-XX:+UseG1GC"), floor.jvmArgs());
        assertThrows(BenchOptions.UsageException.class, () -> BenchOptions.parse(new String[] {"--arms", "agent"}));
        assertThrows(BenchOptions.UsageException.class, () -> BenchOptions.parse(new String[] {"--rules", "nacos"}));
        assertThrows(BenchOptions.UsageException.class, () -> BenchOptions.parse(new String[] {"--duration", "0"}));
    }

    @Test
    void percentilesByNearestRank() {
        double[] latencies = new double[1000];
        for (int i = 0; i < latencies.length; i++) {
            latencies[i] = i + 1;
        }
        LoadGenerator.FixedRate result = new LoadGenerator.FixedRate(100, 1000, 1000, 0, 0, latencies);
        assertEquals(500, result.percentile(0.5));
        assertEquals(990, result.percentile(0.99));
        assertEquals(999, result.percentile(0.999));
        assertTrue(Double.isNaN(new LoadGenerator.FixedRate(1, 1, 1, 1, 0, new double[0]).percentile(0.5)));
    }

    private static Map<Figure, Double> figures(double value) {
        Map<Figure, Double> figures = new EnumMap<>(Figure.class);
        for (Figure figure : Figure.values()) {
            figures.put(figure, value);
        }
        return figures;
    }
}
