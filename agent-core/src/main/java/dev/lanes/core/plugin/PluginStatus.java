package dev.lanes.core.plugin;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** What became of one plugin: for the start-up log and the admin endpoint. */
public final class PluginStatus {

    /** The plugin's state as a whole. */
    public enum State {
        /** Installed; it acts in every class loader where its framework fits. */
        INSTALLED,
        /** Switched off by {@code lanes.plugin.<name>.enabled=false}. */
        DISABLED,
        /** Its start or installation threw; it does nothing. */
        FAILED
    }

    private final String name;
    private volatile State state;
    private volatile String detail;
    private final AtomicInteger activeLoaders = new AtomicInteger();
    private final Map<String, String> unsupported = new LinkedHashMap<String, String>();
    private final Map<String, String> helperFailures = new LinkedHashMap<String, String>();

    PluginStatus(String name, State state, String detail) {
        this.name = name;
        this.state = state;
        this.detail = detail;
    }

    public String name() {
        return name;
    }

    public State state() {
        return state;
    }

    /** Why it is disabled or failed; null when installed. */
    public String detail() {
        return detail;
    }

    void fail(String why) {
        state = State.FAILED;
        detail = why;
    }

    /** In how many class loaders the plugin's framework was found and fits. */
    public int activeLoaders() {
        return activeLoaders.get();
    }

    void loaderActive() {
        activeLoaders.incrementAndGet();
    }

    /** Records that a class loader holds an unsupported framework version; true the first time. */
    synchronized boolean loaderUnsupported(String reason) {
        if (unsupported.containsKey(reason) || unsupported.size() >= 20) {
            return false;
        }
        unsupported.put(reason, reason);
        return true;
    }

    /** Records that the plugin's helpers could not be defined in a class loader; true the first time. */
    synchronized boolean helpersFailed(String reason) {
        if (helperFailures.containsKey(reason) || helperFailures.size() >= 20) {
            return false;
        }
        helperFailures.put(reason, reason);
        return true;
    }

    /** Class loaders the plugin declines because its helpers could not be defined there, with the cause. */
    public synchronized java.util.List<String> helperFailures() {
        return new java.util.ArrayList<String>(helperFailures.keySet());
    }

    /** Reasons the plugin declined class loaders (absent or unsupported framework versions). */
    public synchronized java.util.List<String> unsupportedReasons() {
        return new java.util.ArrayList<String>(unsupported.keySet());
    }
}
