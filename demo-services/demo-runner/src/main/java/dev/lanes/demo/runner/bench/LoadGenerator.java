package dev.lanes.demo.runner.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Load on one URL, two ways: a closed loop (a fixed number of connections, each sending its
 * next request when the last answered) for the saturated throughput, and an open loop at a
 * fixed rate whose latencies count from each request's due time, as wrk2 does, so that a
 * stall delays the due requests behind it and shows in the percentiles (no coordinated
 * omission). Both are bounded in time and in requests.
 */
final class LoadGenerator {

    /** A request that takes longer than this fails. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final HttpRequest request;

    LoadGenerator(String url) {
        this.request = HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT).GET().build();
    }

    /** Closed-loop result: answers with status 200 and failures in the measured window, and its length. */
    record Saturation(long ok, long failed, double seconds) {
        double perSecond() {
            return ok / seconds;
        }
    }

    /**
     * {@code connections} threads send back to back for {@code warmup} (not counted), then for
     * {@code measure}; a request counts when it completes inside the measured window.
     */
    Saturation saturate(int connections, Duration warmup, Duration measure) {
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long measureTo = measureFrom + measure.toNanos();
        LongAdder ok = new LongAdder();
        LongAdder failed = new LongAdder();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Thread thread = new Thread(() -> {
                while (System.nanoTime() < measureTo) {
                    boolean success = send();
                    long now = System.nanoTime();
                    if (now >= measureFrom && now < measureTo) {
                        (success ? ok : failed).increment();
                    }
                }
            }, "bench-closed-" + i);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
        joinAll(threads, measureTo + REQUEST_TIMEOUT.toNanos() + 5_000_000_000L);
        return new Saturation(ok.sum(), failed.sum(), measure.toNanos() / 1e9);
    }

    /** Open-loop result; latencies in ms of the requests answered with 200, sorted. */
    record FixedRate(double rate, long scheduled, long sent, long failed, long unsent, double[] latenciesMillis) {
        long ok() {
            return latenciesMillis.length;
        }

        /** The q-quantile (0.5, 0.99, 0.999) by the nearest-rank method; NaN when nothing answered. */
        double percentile(double q) {
            if (latenciesMillis.length == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(q * latenciesMillis.length);
            return latenciesMillis[Math.min(latenciesMillis.length - 1, Math.max(0, rank - 1))];
        }
    }

    /**
     * Sends {@code rate × duration} requests due at a fixed schedule, from {@code workers}
     * threads: each takes the next due time, waits for it, sends, and records completion minus
     * due time. When every worker is busy the next request goes out late and its wait counts.
     * Requests still unsent {@code REQUEST_TIMEOUT} after the schedule's end are given up (unsent).
     */
    FixedRate fixedRate(double rate, Duration duration, int workers) {
        long total = Math.max(1, Math.round(rate * duration.toNanos() / 1e9));
        double intervalNanos = 1e9 / rate;
        long[] latencyNanos = new long[(int) Math.min(total, Integer.MAX_VALUE - 8)];
        Arrays.fill(latencyNanos, -1);
        AtomicLong next = new AtomicLong();
        LongAdder sent = new LongAdder();
        LongAdder failed = new LongAdder();
        LongAdder unsent = new LongAdder();
        long start = System.nanoTime() + 50_000_000L;
        long giveUp = start + duration.toNanos() + REQUEST_TIMEOUT.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            Thread thread = new Thread(() -> {
                long i;
                while ((i = next.getAndIncrement()) < latencyNanos.length) {
                    long due = start + (long) (i * intervalNanos);
                    Sleep.until(due);
                    if (System.nanoTime() > giveUp) {
                        unsent.increment();
                        continue;
                    }
                    sent.increment();
                    if (send()) {
                        latencyNanos[(int) i] = System.nanoTime() - due;
                    } else {
                        failed.increment();
                    }
                }
            }, "bench-open-" + w);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
        joinAll(threads, giveUp + REQUEST_TIMEOUT.toNanos() + 5_000_000_000L);
        double[] millis = Arrays.stream(latencyNanos).filter(l -> l >= 0).mapToDouble(l -> l / 1e6).sorted().toArray();
        return new FixedRate(rate, latencyNanos.length, sent.sum(), failed.sum(), unsent.sum(), millis);
    }

    /** One GET; true for a 200 answer. */
    private boolean send() {
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void joinAll(List<Thread> threads, long deadlineNanos) {
        for (Thread thread : threads) {
            try {
                long left = deadlineNanos - System.nanoTime();
                if (left > 0) {
                    thread.join(Math.max(1, left / 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Thread thread : threads) {
            if (thread.isAlive()) {
                // Only a request hung past every timeout gets here; the daemon thread dies with the run.
                thread.interrupt();
            }
        }
    }
}
