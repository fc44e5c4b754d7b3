package example.shop;

import dev.lanes.bridge.TrafficContext;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Application code, outside the agent's and the frameworks' packages, that calls out the ways
 * a lane can leak: the call sites the tag-loss reports must name.
 */
public final class LeakyService {

    private LeakyService() {
    }

    public static int urlConnection(URI uri, String tagHeader) throws Exception {
        HttpURLConnection c = (HttpURLConnection) new URL(uri.toString()).openConnection();
        if (tagHeader != null) {
            c.setRequestProperty(TrafficContext.HEADER, tagHeader);
        }
        try (InputStream in = c.getInputStream()) {
            in.readAllBytes();
        }
        return c.getResponseCode();
    }

    public static int jdkClient(URI uri, String tagHeader) throws Exception {
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(uri);
        if (tagHeader != null) {
            request.header(TrafficContext.HEADER, tagHeader);
        }
        return java.net.http.HttpClient.newHttpClient()
                .send(request.build(), java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /**
     * Starts a thread of its own, as applications do, which calls out the way an instrumented
     * client does (asking for the tag to send); returns the tag it got.
     */
    public static String ownThread() throws InterruptedException {
        AtomicReference<String> sent = new AtomicReference<>("not run");
        Thread t = new Thread(() -> sent.set(TrafficContext.outboundTag()));
        t.start();
        t.join();
        return sent.get();
    }

    /** A thread of its own that calls out through HttpURLConnection: the lane is lost there too. */
    public static int ownThreadUrlConnection(URI uri) throws InterruptedException {
        AtomicReference<Integer> status = new AtomicReference<>(-1);
        Thread t = new Thread(() -> {
            try {
                status.set(urlConnection(uri, null));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        t.start();
        t.join();
        return status.get();
    }

    /**
     * A thread started during the request that Lanes hands work to, as an executor's worker
     * is: the state of the task (here untagged) is set around it. Returns the tag it would send.
     */
    public static String managedThread() throws InterruptedException {
        AtomicReference<String> sent = new AtomicReference<>("not run");
        Thread t = new Thread(() -> {
            Object previous = TrafficContext.enter(null);
            try {
                sent.set(TrafficContext.outboundTag());
            } finally {
                TrafficContext.exit(previous);
            }
        });
        t.start();
        t.join();
        return sent.get();
    }
}
