package dev.lanes.demo.app;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.MediaType;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code demo.own-work=true}: work this instance starts itself, outside any request it serves.
 * {@code main} (once {@code SpringApplication.run} returned), a thread of the application's own
 * and a {@code @Scheduled} job each call the next service the way {@code GET /chain} does (same
 * client, HTTP or Dubbo) and keep the answer; {@code GET /own-work} lists them. The work waits
 * for {@code POST /own-work/start}, so that whoever watches it starts it once the services it
 * calls are up: the signal only opens a latch, the calls are made on the threads above.
 */
@RestController
@EnableScheduling
@ConditionalOnProperty(name = "demo.own-work", havingValue = "true")
public class OwnWork {

    private static final Log LOG = LogFactory.getLog(OwnWork.class);

    private final ChainController chain;
    private final int scheduledRuns;
    private final CountDownLatch started = new CountDownLatch(1);
    private final AtomicInteger scheduledDone = new AtomicInteger();
    private final List<Map<String, Object>> runs = Collections.synchronizedList(new ArrayList<Map<String, Object>>());

    public OwnWork(ChainController chain, @Value("${demo.own-work.scheduled-runs:3}") int scheduledRuns) {
        this.chain = chain;
        this.scheduledRuns = scheduledRuns;
    }

    /** On main, once the application is up: a thread of its own, then its own call. */
    public void onMain() throws InterruptedException {
        Thread own = new Thread(new Runnable() {
            @Override
            public void run() {
                try {
                    started.await();
                    call("thread");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "demo-own-work");
        own.setDaemon(true);
        own.start();
        LOG.info("own work waits for POST /own-work/start");
        started.await();
        call("main");
    }

    /** Scheduled at start, so no request is in sight; calls {@code demo.own-work.scheduled-runs} times once started. */
    @Scheduled(fixedDelayString = "${demo.own-work.every:500}")
    public void scheduled() {
        if (started.getCount() > 0 || scheduledDone.get() >= scheduledRuns) {
            return;
        }
        scheduledDone.incrementAndGet();
        call("scheduled");
    }

    @PostMapping(path = "/own-work/start", produces = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> start() {
        started.countDown();
        return answer();
    }

    /** {@code {"started": true, "runs": [{work, thread, hops, error?}, ...]}}, the runs in the order they ended. */
    @GetMapping(path = "/own-work", produces = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> answer() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("started", started.getCount() == 0);
        synchronized (runs) {
            body.put("runs", new ArrayList<>(runs));
        }
        return body;
    }

    private void call(String work) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("work", work);
        run.put("thread", Thread.currentThread().getName());
        // The same work as a request to /chain, without the request: hops and, on failure, error.
        run.putAll(chain.run(null, null, "own-work", null));
        runs.add(run);
        LOG.info("own work (" + work + " on " + run.get("thread") + "): " + run);
    }
}
