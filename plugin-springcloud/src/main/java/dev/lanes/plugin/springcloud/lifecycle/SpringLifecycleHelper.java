package dev.lanes.plugin.springcloud.lifecycle;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.Lifecycle;

import java.lang.ref.WeakReference;

/**
 * Tells the agent's lifecycle when the Spring Boot application is ready, and when its context
 * closes. Events are told apart by their class names, so nothing here needs Boot's types.
 */
public final class SpringLifecycleHelper {

    static final String READY = "org.springframework.boot.context.event.ApplicationReadyEvent";
    static final String CLOSED = "org.springframework.context.event.ContextClosedEvent";

    private static volatile boolean bootSeen;

    /** The context that published the ready event first: the application's own. */
    private static volatile WeakReference<Object> readyContext;

    private SpringLifecycleHelper() {
    }

    /** {@code SpringApplication.run} starts: Boot's ready event will come. */
    public static void bootStarting() {
        try {
            if (!bootSeen) {
                bootSeen = true;
                Lifecycle.control().readyExpected("Spring Boot ApplicationReadyEvent");
            }
        } catch (Throwable t) {
            AgentFaults.report("springboot:run", t);
        }
    }

    /** Before the listeners of {@code event}: the ready context closing deregisters and drains. */
    public static void beforeListeners(Object context, Object event) {
        try {
            if (!bootSeen && event != null && event.getClass().getName().startsWith("org.springframework.boot.")) {
                // Boot drives this context (WebServerInitializedEvent comes before registration):
                // its ApplicationReadyEvent will come, so registrations may wait for it.
                bootSeen = true;
                Lifecycle.control().readyExpected("Spring Boot ApplicationReadyEvent");
            }
            WeakReference<Object> ready = readyContext;
            if (ready != null && ready.get() == context && is(event, CLOSED)) {
                Lifecycle.control().shutdown("Spring context close");
            }
        } catch (Throwable t) {
            AgentFaults.report("springboot:context close", t);
        }
    }

    /** After the listeners of {@code event}: Boot's ready event releases held registrations. */
    public static void afterListeners(Object context, Object event) {
        try {
            if (readyContext == null && is(event, READY)) {
                readyContext = new WeakReference<Object>(context);
                Lifecycle.control().ready("Spring Boot ApplicationReadyEvent");
            }
        } catch (Throwable t) {
            AgentFaults.report("springboot:ready", t);
        }
    }

    /** Whether {@code event}'s class is {@code name} or extends it. */
    static boolean is(Object event, String name) {
        if (event == null) {
            return false;
        }
        for (Class<?> c = event.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            if (name.equals(c.getName())) {
                return true;
            }
        }
        return false;
    }
}
