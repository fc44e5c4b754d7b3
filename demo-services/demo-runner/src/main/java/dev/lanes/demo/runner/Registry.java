package dev.lanes.demo.runner;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The service registry a topology's instances register in and discover each other through:
 * a process started before them, and the application arguments that point an instance at it.
 */
public interface Registry extends AutoCloseable {

    /** Which registry: the demo app's configuration for each (see {@link #clientArgs}). */
    enum Kind {
        ZOOKEEPER, EUREKA
    }

    Kind kind();

    /** {@code --key=value} arguments for an instance that serves on {@code port}. */
    List<String> clientArgs(InstanceSpec spec, int port);

    /** Where a client finds it, e.g. 127.0.0.1:2181 or http://127.0.0.1:8761/eureka/. */
    String address();

    boolean isAlive();

    Path logFile();

    void dumpLog(PrintStream out);

    /** Stops the registry; its log stays. */
    @Override
    void close();
}
