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
}
