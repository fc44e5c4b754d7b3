package dev.lanes.bridge;

/**
 * How the routing engine reads a framework's instance type (a Spring Cloud
 * {@code ServiceInstance}, a Dubbo {@code Invoker}, ...). Implementations are stateless
 * singletons written by plugins; they must not throw for malformed metadata but return
 * null or -1 instead.
 */
public interface InstanceView<T> {

    /** Metadata key under which an instance publishes its tag. */
    String TAG_KEY = "lanes.tag";
    /** Metadata key under which an instance publishes its start time, epoch milliseconds. */
    String START_KEY = "lanes.start";

    /** The instance's tag as published in its metadata, or null for a base instance. */
    String tag(T instance);

    /** When the instance started, in epoch milliseconds, or -1 when unknown. */
    long startMillis(T instance);

    /** A stable key for the instance within its service, such as "host:port". */
    String address(T instance);

    /**
     * Reads a published start time ({@link #START_KEY}): epoch milliseconds as a positive
     * decimal number, blanks around it allowed; -1 for anything else. Allocation-free.
     */
    static long parseStartMillis(String raw) {
        if (raw == null) {
            return -1L;
        }
        int begin = 0;
        int end = raw.length();
        while (begin < end && raw.charAt(begin) <= ' ') {
            begin++;
        }
        while (end > begin && raw.charAt(end - 1) <= ' ') {
            end--;
        }
        if (begin == end || end - begin > 18) {
            return -1L;
        }
        long value = 0;
        for (int i = begin; i < end; i++) {
            char c = raw.charAt(i);
            if (c < '0' || c > '9') {
                return -1L;
            }
            value = value * 10 + (c - '0');
        }
        return value > 0 ? value : -1L;
    }
}
