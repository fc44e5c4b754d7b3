package dev.lanes.demo.runner.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Open-loop load on one URL at a fixed rate until stopped: each request is due at its slot of
 * the schedule and its latency counts from that due time (a stall delays the requests behind it
 * and shows in the percentiles). A request fails on any answer but 200, on an I/O error or
 * after {@link #REQUEST_TIMEOUT}; the first few distinct reasons are kept for the report.
 */
public final class ConstantLoad {

    /** A request that takes longer than this fails. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_REASONS = 8;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final HttpRequest request;
    private final double rate;
    private final int workers;
    private final AtomicLong next = new AtomicLong();
    private final LongAdder sent = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final Map<String, Long> reasons = new LinkedHashMap<>();
    private final List<Long> latencies = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;
    private long start;
    private long stoppedAt;

    /** What the load saw: requests sent, failed (with reasons), latencies of the answered ones. */
    public record Result(long sent, long failed, double seconds, double[] latenciesMillis, Map<String, Long> reasons) {

        /** The q-quantile (0.5, 0.99) by the nearest-rank method; NaN when nothing answered. */
        public double percentile(double q) {
            if (latenciesMillis.length == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(q * latenciesMillis.length);
            return latenciesMillis[Math.min(latenciesMillis.length - 1, Math.max(0, rank - 1))];
        }

        public double max() {
            return latenciesMillis.length == 0 ? Double.NaN : latenciesMillis[latenciesMillis.length - 1];
        }
    }

    public ConstantLoad(String url, double rate, int workers) {
        this.request = HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT).GET().build();
        this.rate = rate;
        this.workers = workers;
    }

    /** Starts sending; returns at once. */
    public ConstantLoad start() {
        double intervalNanos = 1e9 / rate;
        start = System.nanoTime() + 20_000_000L;
        for (int w = 0; w < workers; w++) {
            Thread thread = new Thread(() -> {
                while (!stopping) {
                    long i = next.getAndIncrement();
                    long due = start + (long) (i * intervalNanos);
                    while (System.nanoTime() < due && !stopping) {
                        java.util.concurrent.locks.LockSupport.parkNanos(Math.min(due - System.nanoTime(), 5_000_000L));
                    }
                    if (stopping) {
                        return;
                    }
                    sent.increment();
                    String failure = send();
                    long latency = System.nanoTime() - due;
                    synchronized (this) {
                        if (failure == null) {
                            latencies.add(latency);
                        } else {
                            failed.increment();
                            if (reasons.containsKey(failure) || reasons.size() < MAX_REASONS) {
                                reasons.merge(failure, 1L, Long::sum);
                            }
                        }
                    }
                }
            }, "constant-load-" + w);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
        return this;
    }

    /** Requests sent so far and failed so far, for progress lines. */
    public long sentSoFar() {
        return sent.sum();
    }

    public long failedSoFar() {
        return failed.sum();
    }

    /** Stops scheduling, waits for the requests in flight (at most their timeout) and reports. */
    public Result stop() {
        stopping = true;
        stoppedAt = System.nanoTime();
        long deadline = stoppedAt + REQUEST_TIMEOUT.toNanos() + 2_000_000_000L;
        for (Thread thread : threads) {
            try {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    thread.join(Math.max(1, left / 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        synchronized (this) {
            double[] millis = latencies.stream().mapToDouble(l -> l / 1e6).sorted().toArray();
            return new Result(sent.sum(), failed.sum(), (stoppedAt - start) / 1e9, millis,
                    new LinkedHashMap<>(reasons));
        }
    }

    /** One GET; null for a 200 answer, else why it failed. */
    private String send() {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                return null;
            }
            String body = response.body() == null ? "" : response.body();
            int at = body.lastIndexOf("\"message\":");
            String message = at < 0 ? "" : body.substring(at, Math.min(body.length(), at + 160));
            return "HTTP " + response.statusCode() + " " + message;
        } catch (IOException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    @Override
    public String toString() {
        return "ConstantLoad[" + request.uri() + " at " + rate + "/s, " + Arrays.asList(workers) + " workers]";
    }
}
