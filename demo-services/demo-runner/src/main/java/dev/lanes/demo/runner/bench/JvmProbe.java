package dev.lanes.demo.runner.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a running service JVM reports about itself: its CPU time and resident memory from
 * {@code /proc}, its live heap and metaspace from {@code jcmd}, and its start-up times from
 * its own log. Nothing here runs inside the measured JVMs except the jcmd commands.
 */
final class JvmProbe {

    /** Boot 3: "Started X in 4.2 seconds (process running for 5.1)"; Boot 2: "(JVM running for 5.1)". */
    private static final Pattern BOOT_STARTED = Pattern.compile(
            "Started \\S+ in ([0-9.]+) seconds \\((?:process|JVM) running for ([0-9.]+)\\)");
    /** The agent's own line: "[lanes] INFO Lanes 0.1.0 started: app=..., in 412 ms". */
    private static final Pattern AGENT_STARTED = Pattern.compile("\\[lanes].*Lanes \\S+ started.* in ([0-9]+) ms");
    private static final Pattern GENERATION_USED = Pattern.compile("^\\s*\\S.*\\btotal \\d+K, used (\\d+)K");
    private static final Pattern METASPACE_USED = Pattern.compile("^\\s*Metaspace\\s+used (\\d+)K");

    private static volatile long ticksPerSecond;

    private final Path jcmd;

    /** @param java the java binary the services run on; its jcmd is used */
    JvmProbe(Path java) {
        Path sibling = java.toAbsolutePath().getParent().resolve("jcmd");
        this.jcmd = Files.isExecutable(sibling) ? sibling : Paths.get(System.getProperty("java.home"), "bin", "jcmd");
    }

    /** User plus system CPU time of the process so far, in seconds, from /proc/<pid>/stat. */
    static double cpuSeconds(long pid) {
        String stat;
        try {
            stat = Files.readString(Paths.get("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + "/stat (did the JVM exit?): " + e, e);
        }
        // The command name may hold spaces: fields count from after its closing parenthesis.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        long utime = Long.parseLong(fields[11]);
        long stime = Long.parseLong(fields[12]);
        return (utime + stime) / (double) ticksPerSecond();
    }

    /** Resident set size in MB, from VmRSS in /proc/<pid>/status. */
    static double rssMegabytes(long pid) {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot read VmRSS of " + pid + ": " + e, e);
        }
        throw new IllegalStateException("/proc/" + pid + "/status has no VmRSS line");
    }

    /** {heap used, metaspace used} in MB, after a full GC ({@code jcmd GC.run}, then {@code GC.heap_info}). */
    double[] liveHeapAndMetaspace(long pid) {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        return parseHeapInfo(info);
    }

    /** Sums the used size of each generation (or the one G1/ZGC heap line) and reads Metaspace used. */
    static double[] parseHeapInfo(String info) {
        long heapKb = 0;
        long metaKb = -1;
        boolean anyGeneration = false;
        for (String line : info.split("\\R")) {
            Matcher meta = METASPACE_USED.matcher(line);
            if (meta.find()) {
                metaKb = Long.parseLong(meta.group(1));
                continue;
            }
            Matcher generation = GENERATION_USED.matcher(line);
            if (generation.find() && !line.contains("class space")) {
                heapKb += Long.parseLong(generation.group(1));
                anyGeneration = true;
            }
        }
        if (!anyGeneration || metaKb < 0) {
            throw new IllegalStateException("GC.heap_info not understood; expected '... total NK, used NK' and"
                    + " 'Metaspace used NK' lines, got:\n" + info);
        }
        return new double[] {heapKb / 1024.0, metaKb / 1024.0};
    }

    /** {seconds the JVM ran until Spring Boot was started, agent start ms or NaN}, from a service's log. */
    static double[] startTimes(String log) {
        double process = Double.NaN;
        double agent = Double.NaN;
        Matcher boot = BOOT_STARTED.matcher(log);
        if (boot.find()) {
            process = Double.parseDouble(boot.group(2));
        }
        Matcher lanes = AGENT_STARTED.matcher(log);
        if (lanes.find()) {
            agent = Double.parseDouble(lanes.group(1));
        }
        return new double[] {process, agent};
    }

    private String jcmd(long pid, String command) {
        List<String> line = new ArrayList<>(List.of(jcmd.toString(), Long.toString(pid), command));
        try {
            Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", line) + " did not finish within 60 s");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", line) + " exited with " + process.exitValue()
                        + ":\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", line) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + String.join(" ", line), e);
        }
    }

    /** USER_HZ from {@code getconf CLK_TCK}; 100 when getconf is missing (the Linux value). */
    static long ticksPerSecond() {
        long cached = ticksPerSecond;
        if (cached > 0) {
            return cached;
        }
        long value = 100;
        try {
            Process process = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0) {
                value = Long.parseLong(out);
            }
        } catch (IOException | NumberFormatException e) {
            // keep 100
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ticksPerSecond = value;
        return value;
    }
}
