package dev.lanes.bridge;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where a tagged request's lane leaks: an outbound call made without the tag of the request it
 * serves, on a path Lanes does not carry it along (a thread the application starts itself, an
 * HTTP client Lanes does not instrument). Each loss is counted; the place in the application
 * that made the call (its first frame outside the JDK, the agent and the frameworks) is named,
 * counted, and logged once, so a user learns where the lane leaks instead of seeing base
 * instances serve its traffic.
 */
public final class TagLoss {

    /** How the tag was lost. */
    public enum Via {
        /** A thread Lanes does not carry the tag to (created during the request, never given it). */
        THREAD("thread", "on a thread Lanes does not carry the tag to (started by the application during "
                + "the request: hand the work to an executor, or carry TrafficContext.capture() over yourself)"),
        /** {@code java.net.HttpURLConnection} used directly, without the tag header. */
        HTTP_URL_CONNECTION("java.net.HttpURLConnection", "through java.net.HttpURLConnection, which Lanes does "
                + "not instrument (use a RestTemplate, RestClient, WebClient or Feign client, or set the "
                + TrafficContext.HEADER + " header yourself)"),
        /** The JDK's {@code java.net.http.HttpClient}, without the tag header. */
        JDK_HTTP_CLIENT("java.net.http.HttpClient", "through java.net.http.HttpClient, which Lanes does not "
                + "instrument (use a RestTemplate, RestClient, WebClient or Feign client, or set the "
                + TrafficContext.HEADER + " header yourself)");

        private final String key;
        private final String explanation;

        Via(String key, String explanation) {
            this.key = key;
            this.explanation = explanation;
        }

        public String key() {
            return key;
        }
    }

    /** Distinct call sites counted by name; further ones under {@link #OTHER_SITE}. */
    static final int MAX_SITES = 256;
    /** The stack is read for at most this many losses per second; the rest are counted without a site. */
    static final int SITES_PER_SECOND = 100;
    public static final String OTHER_SITE = "other";
    public static final String UNKNOWN_SITE = "unknown (not looked up: too many losses this second)";

    private static final Via[] VIAS = Via.values();
    private static final LongAdder[] BY_VIA = new LongAdder[VIAS.length];
    /** Per via, per call site: the losses whose site was looked up. */
    private static final ConcurrentMap<String, LongAdder> BY_SITE = new ConcurrentHashMap<String, LongAdder>();
    private static final AtomicLong WINDOW = new AtomicLong();
    private static final AtomicLong LOOKED_UP = new AtomicLong();
    /** Frames of these packages are never the application's call site. */
    private static final String[] NOT_APPLICATION = {
        "java.", "javax.", "jdk.", "sun.", "com.sun.", "dev.lanes.bridge.", "dev.lanes.core.", "dev.lanes.plugin.",
        "org.springframework.", "feign.", "reactor.", "io.netty.", "org.apache.dubbo.", "com.alibaba.dubbo.",
        "org.apache.catalina.", "org.apache.tomcat.", "org.apache.coyote.", "io.undertow.", "org.eclipse.jetty.",
        "okhttp3.", "org.apache.http.", "org.apache.hc.", "kotlin.", "kotlinx.", "io.micrometer.",
        "io.opentelemetry.", "net.bytebuddy."
    };

    static {
        for (int i = 0; i < BY_VIA.length; i++) {
            BY_VIA[i] = new LongAdder();
        }
    }

    private TagLoss() {
    }

    /**
     * Counts a call of a request tagged {@code tag} that leaves without its tag, names its call
     * site and logs the site the first time. Never throws.
     */
    public static void lost(Via via, String tag) {
        try {
            String site = site(via);
            if (site == null) {
                // No frame of the application's own: a framework's thread, not a leak to report.
                return;
            }
            BY_VIA[via.ordinal()].increment();
            String key = via.key + " " + site;
            LongAdder count = BY_SITE.get(key);
            if (count == null) {
                if (BY_SITE.size() >= MAX_SITES && !site.equals(UNKNOWN_SITE)) {
                    key = via.key + " " + OTHER_SITE;
                }
                LongAdder fresh = new LongAdder();
                count = BY_SITE.putIfAbsent(key, fresh);
                if (count == null) {
                    count = fresh;
                    if (!site.equals(UNKNOWN_SITE) && !key.endsWith(" " + OTHER_SITE)) {
                        AgentLog.warnOnce("tag-loss:" + key, "TAG LOST: a request in lane " + tag + " called out at "
                                + site + " without its tag, " + via.explanation + "; the next service sees it as "
                                + "untagged (counted on the admin endpoint under tagLosses)");
                    }
                }
            }
            count.increment();
        } catch (Throwable t) {
            AgentFaults.report("tag-loss", t);
        }
    }

    /**
     * Checks a call made through an HTTP client Lanes does not instrument: a loss when the thread
     * works for a tagged request (its own tag, or one it lost) and the call does not carry one.
     */
    public static void checkUninstrumented(Via via, boolean callCarriesTag) {
        if (callCarriesTag) {
            return;
        }
        String tag = TrafficContext.tag();
        if (tag == null) {
            tag = TrafficContext.lostTag();
        }
        if (tag != null) {
            lost(via, tag);
        }
    }

    /** Connections checked already: each sends its request headers once. Weak keys. */
    private static final Map<Object, Boolean> CHECKED =
            Collections.synchronizedMap(new java.util.WeakHashMap<Object, Boolean>());

    /**
     * A {@code java.net.HttpURLConnection} about to send its request: a loss when it lacks the
     * tag header. Costs a thread-local read or two unless the thread serves a tagged request.
     */
    public static void check(java.net.URLConnection connection) {
        if (TrafficContext.tag() == null && TrafficContext.lostTag() == null) {
            return;
        }
        String header;
        try {
            header = connection.getRequestProperty(TrafficContext.HEADER);
        } catch (IllegalStateException connected) {
            return; // sent already: checked when it was sent
        }
        if (CHECKED.put(connection, Boolean.TRUE) != null) {
            return; // getInputStream() calls connect(): one request, one check
        }
        checkUninstrumented(Via.HTTP_URL_CONNECTION, header != null);
    }

    /** A {@code java.net.http.HttpRequest} about to be sent: a loss when it lacks the tag header. */
    public static void checkJdkRequest(Object request) {
        if (request == null || (TrafficContext.tag() == null && TrafficContext.lostTag() == null)) {
            return;
        }
        checkUninstrumented(Via.JDK_HTTP_CLIENT, JdkRequests.hasHeader(request, TrafficContext.HEADER));
    }

    /**
     * Reads a {@code java.net.http.HttpRequest}'s headers by reflection: the bridge is built for
     * Java 8, and the bootstrap loader cannot name the classes of {@code java.net.http}; they are
     * found from the request itself, through its public supertype.
     */
    private static final class JdkRequests {
        private static volatile java.lang.reflect.Method headers;
        private static volatile java.lang.reflect.Method firstValue;

        /** True also when the headers cannot be read: never a loss reported on a guess. */
        static boolean hasHeader(Object request, String name) {
            try {
                java.lang.reflect.Method h = headers;
                if (h == null) {
                    Class<?> type = request.getClass();
                    while (type != null && !"java.net.http.HttpRequest".equals(type.getName())) {
                        type = type.getSuperclass();
                    }
                    if (type == null) {
                        return true;
                    }
                    h = type.getMethod("headers");
                    headers = h;
                }
                Object all = h.invoke(request);
                java.lang.reflect.Method f = firstValue;
                if (f == null) {
                    f = all.getClass().getMethod("firstValue", String.class);
                    firstValue = f;
                }
                Object optional = f.invoke(all, name);
                return !(optional instanceof java.util.Optional) || ((java.util.Optional<?>) optional).isPresent();
            } catch (Throwable t) {
                return true;
            }
        }
    }

    /** Losses so far by way of loss, for the admin endpoint and the metrics. */
    public static Map<String, Long> byVia() {
        Map<String, Long> out = new LinkedHashMap<String, Long>();
        for (Via v : VIAS) {
            out.put(v.key, BY_VIA[v.ordinal()].sum());
        }
        return Collections.unmodifiableMap(out);
    }

    /** Losses so far by "via call-site", sorted, for the admin endpoint and the metrics. */
    public static Map<String, Long> bySite() {
        Map<String, Long> out = new TreeMap<String, Long>();
        for (Map.Entry<String, LongAdder> e : BY_SITE.entrySet()) {
            out.put(e.getKey(), e.getValue().sum());
        }
        return Collections.unmodifiableMap(out);
    }

    /** Forgets every count; for tests. */
    static void reset() {
        for (LongAdder a : BY_VIA) {
            a.reset();
        }
        BY_SITE.clear();
    }

    /**
     * The application's frame that made the call: {@link #UNKNOWN_SITE} past the stack reads
     * allowed this second, null when the stack has no frame of the application at all.
     */
    private static String site(Via via) {
        long second = System.nanoTime() / 1_000_000_000L;
        long window = WINDOW.get();
        if (window != second && WINDOW.compareAndSet(window, second)) {
            LOOKED_UP.set(0);
        }
        if (LOOKED_UP.incrementAndGet() > SITES_PER_SECOND) {
            return UNKNOWN_SITE;
        }
        StackTraceElement[] stack = new Throwable().getStackTrace();
        for (StackTraceElement frame : stack) {
            if (isApplication(frame.getClassName())) {
                return frame.getClassName() + "." + frame.getMethodName()
                        + (frame.getLineNumber() > 0 ? ":" + frame.getLineNumber() : "");
            }
        }
        return null;
    }

    private static boolean isApplication(String className) {
        for (String prefix : NOT_APPLICATION) {
            if (className.startsWith(prefix)) {
                return false;
            }
        }
        return true;
    }
}
