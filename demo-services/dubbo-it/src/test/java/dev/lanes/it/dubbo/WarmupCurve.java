package dev.lanes.it.dubbo;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.lanes.demo.runner.ChainClient;
import dev.lanes.demo.runner.ChainResponse;
import dev.lanes.demo.runner.Hop;

/**
 * A new instance's observed share of a hop's calls beside the share the warm-up curve predicts.
 * Load goes on in closed loop from a few threads while the instances start; each answer
 * reports its path, which says, for each hop, which instance served the call and which one made
 * it. A call counts for a hop once its caller has seen the new instance (its first call to it):
 * before that the caller does not know it (a Spring Cloud caller's instance cache), and the curve
 * says nothing. The prediction is the mean, over those calls, of the new instance's weight
 * against the one warm instance of its lane, {@code w / (w + 100)}, at the moment each was sent.
 */
final class WarmupCurve {

    /** One answered call: when it was sent, and its path. */
    record Sample(long sentMillis, List<Hop> hops) {
    }

    /** One bucket of one hop: calls counted, calls to the new instance, the predicted share. */
    record Bucket(long fromSecond, int calls, int toNew, double predicted) {
        double observed() {
            return calls == 0 ? 0 : (double) toNew / calls;
        }

        double deviationPoints() {
            return Math.abs(observed() - predicted) * 100.0;
        }
    }

    /** Sends in closed loop from {@code threads} threads until stopped. */
    static final class Load implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
        private final AtomicLong failed = new AtomicLong();
        private final List<Thread> threads = new ArrayList<>();

        Load(ChainClient client, String baseUrl, int threadCount) {
            for (int i = 0; i < threadCount; i++) {
                Thread t = new Thread(() -> {
                    while (running.get()) {
                        long sent = System.currentTimeMillis();
                        ChainResponse r = client.get(baseUrl, "/chain", Map.of());
                        if (r.ok()) {
                            samples.add(new Sample(sent, r.hops()));
                        } else {
                            failed.incrementAndGet();
                        }
                    }
                }, "warmup-load-" + i);
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
        }

        List<Sample> samples() {
            List<Sample> list = new ArrayList<>(samples);
            list.sort((a, b) -> Long.compare(a.sentMillis(), b.sentMillis()));
            return list;
        }

        long failed() {
            return failed.get();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join(60_000);
            }
        }
    }

    private WarmupCurve() {
    }

    /** The weight, in percent, the rules' linear curve gives an instance {@code uptime} ms old. */
    static int weight(long uptimeMillis, long windowMillis, int minPercent) {
        if (uptimeMillis >= windowMillis) {
            return 100;
        }
        long w = Math.round(100.0 * Math.max(0, uptimeMillis) / windowMillis);
        return (int) Math.max(Math.max(minPercent, 1), Math.min(100, w));
    }

    /**
     * The buckets of one hop: calls made at {@code service}'s hop whose served instance is
     * {@code newInstance} or {@code warmInstance} (anything else fails: the lane holds those two),
     * counted from when their caller first reached the new instance, by {@code bucketMillis}
     * from the new instance's published start.
     */
    static List<Bucket> buckets(List<Sample> samples, String service, String newInstance, String warmInstance,
            long startMillis, long windowMillis, int minPercent, long bucketMillis) {
        Map<String, Long> seenBy = new HashMap<>();
        for (Sample s : samples) {
            int i = hopIndex(s, service);
            if (i > 0 && s.hops().get(i).instance().equals(newInstance)) {
                seenBy.putIfAbsent(s.hops().get(i - 1).instance(), s.sentMillis());
            }
        }
        Map<Long, long[]> counts = new HashMap<>();
        Map<Long, double[]> predicted = new HashMap<>();
        for (Sample s : samples) {
            int i = hopIndex(s, service);
            if (i <= 0) {
                continue;
            }
            String served = s.hops().get(i).instance();
            if (!served.equals(newInstance) && !served.equals(warmInstance)) {
                throw new AssertionError(service + " served by " + served + ", outside the lane of " + warmInstance
                        + " and " + newInstance);
            }
            Long seen = seenBy.get(s.hops().get(i - 1).instance());
            if (seen == null || s.sentMillis() < seen) {
                continue;
            }
            long bucket = Math.floorDiv(s.sentMillis() - startMillis, bucketMillis);
            long[] c = counts.computeIfAbsent(bucket, b -> new long[2]);
            c[0]++;
            if (served.equals(newInstance)) {
                c[1]++;
            }
            int w = weight(s.sentMillis() - startMillis, windowMillis, minPercent);
            predicted.computeIfAbsent(bucket, b -> new double[1])[0] += w / (w + 100.0);
        }
        List<Long> keys = new ArrayList<>(counts.keySet());
        Collections.sort(keys);
        List<Bucket> out = new ArrayList<>();
        for (Long k : keys) {
            long[] c = counts.get(k);
            out.add(new Bucket(k * bucketMillis / 1000, (int) c[0], (int) c[1], predicted.get(k)[0] / c[0]));
        }
        return out;
    }

    /** Prints the buckets of one hop; returns the largest deviation among those with at least {@code min} calls. */
    static double print(PrintStream out, String title, List<Bucket> buckets, int min) {
        out.println(title);
        out.println("   from s   calls   observed   predicted   deviation");
        double max = 0;
        for (Bucket b : buckets) {
            boolean counted = b.calls() >= min;
            out.printf("   %6d  %6d    %6.1f %%    %6.1f %%    %5.1f%s%n", b.fromSecond(), b.calls(),
                    b.observed() * 100, b.predicted() * 100, b.deviationPoints(), counted ? "" : " (too few)");
            if (counted) {
                max = Math.max(max, b.deviationPoints());
            }
        }
        out.printf("   largest deviation: %.1f points%n", max);
        return max;
    }

    private static int hopIndex(Sample s, String service) {
        List<Hop> hops = s.hops();
        for (int i = 0; i < hops.size(); i++) {
            if (service.equals(hops.get(i).service())) {
                return i;
            }
        }
        return -1;
    }
}
