package dev.lanes.core.plugin;

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

    public boolean isSupported() {
        return supported;
    }

    public String reason() {
        return reason;
    }
}
