package dev.lanes.demo.runner.bench;

import java.util.concurrent.locks.LockSupport;

/** Sleeps that turn an interrupt into an exception, so that a stopped benchmark stops. */
final class Sleep {

    private Sleep() {
    }

    static void millis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Parks until {@code System.nanoTime()} reaches {@code deadline}. */
    static void until(long deadlineNanos) {
        long left;
        while ((left = deadlineNanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
            if (Thread.currentThread().isInterrupted()) {
                throw new IllegalStateException("interrupted");
            }
        }
    }
}
