package dev.lanes.core.plugin;

import dev.lanes.bridge.AgentLog;

/** A plugin's verdict on the framework it finds in one class loader. */
public final class Support {

    /** The framework is there, in a version the plugin supports. */
    public static final Support SUPPORTED = new Support(true, null);

    private final boolean supported;
    private final String reason;

    private Support(boolean supported, String reason) {
        this.supported = supported;
        this.reason = reason;
    }

    /** The framework is absent or its version does not fit; {@code reason} says which and why. */
    public static Support unsupported(String reason) {
        return new Support(false, reason);
    }

    /**
     * The one verdict of every plugin when its framework's version cannot be read (a repackaged
     * or exploded jar without a manifest version or a versioned file name): the plugin runs when
     * the classes its hooks need are there ({@code needed}) and none that marks a line it does
     * not support ({@code foreign}), and says so once as a warning; otherwise it stays off, and
     * the reason names the class. docs/configuration.md describes it.
     *
     * @param framework      such as "spring-cloud-commons"
     * @param where          the jar or folder that holds it, for the messages
     * @param supportedRange such as "spring-cloud-commons 3.1.x to 5.x"
     */
    public static Support whenVersionUnreadable(ClassLoader loader, String framework, String where,
                                                String supportedRange, String[] needed, String[] foreign) {
        String unreadable = "the version of " + framework + " at " + where + " cannot be read";
        for (String resource : needed) {
            if (resource(loader, resource) == null) {
                return unsupported(unreadable + ", and " + resource + ", which the plugin needs, is missing; supported: "
                        + supportedRange);
            }
        }
        for (String resource : foreign) {
            if (resource(loader, resource) != null) {
                return unsupported(unreadable + ", and " + resource + " marks a line the plugin does not support;"
                        + " supported: " + supportedRange);
            }
        }
        AgentLog.warnOnce("version-unreadable:" + framework + ":" + where, unreadable + "; the plugin runs there"
                + " because the classes its hooks need are present (supported: " + supportedRange + ")");
        return SUPPORTED;
    }

    private static java.net.URL resource(ClassLoader loader, String name) {
        return loader == null ? ClassLoader.getSystemResource(name) : loader.getResource(name);
    }

    public boolean isSupported() {
        return supported;
    }

    public String reason() {
        return reason;
    }
}
