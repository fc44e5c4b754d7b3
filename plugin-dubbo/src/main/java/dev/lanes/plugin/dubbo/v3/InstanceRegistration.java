package dev.lanes.plugin.dubbo.v3;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.Lifecycle;
import dev.lanes.plugin.dubbo.common.DubboLossless;
import org.apache.dubbo.registry.client.ServiceDiscovery;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Lossless online and offline for the instance a Dubbo 3 application registers for
 * application-level discovery: the first {@code register()} of each service discovery is handed
 * to the agent's lifecycle, which holds it until the application is ready (then calls
 * {@code register()} again) and calls {@code unregister()} first thing at shutdown. Dubbo calls
 * {@code register()} again while the instance is held (a metadata update of an instance not
 * registered yet); those calls wait for the same release. Once released, Dubbo's own calls go
 * through untouched (a new metadata revision re-registers the instance).
 */
public final class InstanceRegistration {

    private static final String PLACE = "dubbo:lossless instance register";

    /** Per service discovery: its state; weak, as Dubbo drops a discovery with its application. */
    private static final Map<Object, State> STATES = Collections.synchronizedMap(new WeakHashMap<Object, State>());

    private InstanceRegistration() {
    }

    static final class State {
        volatile boolean held;
    }

    /** True: skip this {@code register()}, the agent holds it. Never throws. */
    public static boolean holdBack(Object discovery) {
        if (DubboLossless.releasing() || !(discovery instanceof ServiceDiscovery)) {
            return false;
        }
        try {
            State state;
            synchronized (STATES) {
                state = STATES.get(discovery);
                if (state != null) {
                    return state.held;
                }
                state = new State();
                STATES.put(discovery, state);
            }
            ServiceDiscovery d = (ServiceDiscovery) discovery;
            String what = "Dubbo application instance (application-level discovery, " + describe(d) + ")";
            state.held = true;
            boolean held = Lifecycle.control().holdRegistration(what, new Register(d, state), new Unregister(d));
            state.held = held;
            return held;
        } catch (Throwable t) {
            AgentFaults.report(PLACE, t);
            return false;
        }
    }

    private static String describe(ServiceDiscovery discovery) {
        try {
            return String.valueOf(discovery.getUrl());
        } catch (RuntimeException | LinkageError e) {
            return discovery.getClass().getName();
        }
    }

    /** Makes the held registration, through the advised method. */
    static final class Register extends DubboLossless.Release {
        private final ServiceDiscovery discovery;
        private final State state;

        Register(ServiceDiscovery discovery, State state) {
            this.discovery = discovery;
            this.state = state;
        }

        @Override
        protected void register() {
            state.held = false;
            discovery.register();
        }
    }

    /** Withdraws the instance at shutdown, while the application still serves. */
    static final class Unregister implements Runnable {
        private final ServiceDiscovery discovery;

        Unregister(ServiceDiscovery discovery) {
            this.discovery = discovery;
        }

        @Override
        public void run() {
            discovery.unregister();
        }
    }
}
