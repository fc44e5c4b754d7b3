package dev.lanes.core.rules;

/** Lossless online/offline: how long to hold registration back, and to drain at shutdown. */
public final class LosslessSettings {

    public static final LosslessSettings DEFAULT = new LosslessSettings(0L, 30_000L);

    private final long registrationDelayMillis;
    private final long drainMillis;

    public LosslessSettings(long registrationDelayMillis, long drainMillis) {
        this.registrationDelayMillis = registrationDelayMillis;
        this.drainMillis = drainMillis;
    }

    public long registrationDelayMillis() {
        return registrationDelayMillis;
    }

    public long drainMillis() {
        return drainMillis;
    }
}
