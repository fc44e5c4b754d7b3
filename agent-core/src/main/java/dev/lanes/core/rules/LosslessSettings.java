package dev.lanes.core.rules;

/**
 * Lossless online/offline: how long to hold registration back after the application is ready,
 * how long to wait for it to be ready at most, and how long to drain at shutdown.
 */
public final class LosslessSettings {

    /** The default of {@code lossless.readyTimeout}. */
    public static final long DEFAULT_READY_TIMEOUT_MILLIS = 60_000L;
    public static final LosslessSettings DEFAULT = new LosslessSettings(0L, 30_000L);

    private final long registrationDelayMillis;
    private final long drainMillis;
    private final long readyTimeoutMillis;

    public LosslessSettings(long registrationDelayMillis, long drainMillis) {
        this(registrationDelayMillis, drainMillis, DEFAULT_READY_TIMEOUT_MILLIS);
    }

    public LosslessSettings(long registrationDelayMillis, long drainMillis, long readyTimeoutMillis) {
        this.registrationDelayMillis = registrationDelayMillis;
        this.drainMillis = drainMillis;
        this.readyTimeoutMillis = readyTimeoutMillis;
    }

    /**
     * How long a registration is held at most while the application is not ready (a runner
     * that never returns, say): then it is made anyway, with a warning. 0: no limit.
     */
    public long readyTimeoutMillis() {
        return readyTimeoutMillis;
    }

    public long registrationDelayMillis() {
        return registrationDelayMillis;
    }

    public long drainMillis() {
        return drainMillis;
    }
}
