package dev.lanes.plugin.springcloud.loadbalancer.retry;

import dev.lanes.bridge.AgentLog;

import java.net.ConnectException;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When a load-balanced HTTP call is tried once more on another instance: it could not connect
 * to the instance chosen ({@link ConnectException} anywhere in the cause chain: refused, no
 * route, a Netty connect timeout), so the request never reached it, and its method is
 * idempotent (GET, HEAD, OPTIONS, PUT, DELETE). Once at most; a call that failed after it was
 * sent (reset, read timeout, 5xx) is never retried by the agent.
 */
public final class RetryPolicy {

    private static final int MAX_CAUSES = 16;
    private static final int MAX_LOGGED_SERVICES = 256;
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

    private RetryPolicy() {
    }

    /** GET, HEAD, OPTIONS, PUT and DELETE, in any case. */
    public static boolean idempotent(String method) {
        if (method == null) {
            return false;
        }
        switch (method.toUpperCase(Locale.ROOT)) {
            case "GET":
            case "HEAD":
            case "OPTIONS":
            case "PUT":
            case "DELETE":
                return true;
            default:
                return false;
        }
    }

    /** True when {@code failure} (or one of its causes) is a connection that could not be opened. */
    public static boolean connectFailure(Throwable failure) {
        Throwable t = failure;
        for (int i = 0; t != null && i < MAX_CAUSES; i++) {
            if (t instanceof ConnectException) {
                return true;
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        return false;
    }

    /** Logs the first retry for each service, so that a user sees the agent retried at all. */
    public static void retrying(String service, String client, Throwable failure) {
        String key = String.valueOf(service);
        if (LOGGED.size() < MAX_LOGGED_SERVICES && LOGGED.add(key)) {
            AgentLog.info("retrying a " + client + " call to " + key + " once on another instance: " + failure
                    + " (logged once per service)");
        }
    }
}
