package dev.lanes.core;

import java.util.function.LongSupplier;

/** Wall-clock milliseconds, the clock of the running agent (tests pass their own). */
enum SystemClock implements LongSupplier {
    INSTANCE;

    @Override
    public long getAsLong() {
        return System.currentTimeMillis();
    }
}
