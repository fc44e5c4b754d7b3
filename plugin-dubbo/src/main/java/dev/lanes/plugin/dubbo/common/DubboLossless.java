package dev.lanes.plugin.dubbo.common;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.Lifecycle;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.registry.Registry;

/**
 * Lossless online and offline for Dubbo providers at the interface level: a provider URL that a
 * registry is asked to register before the application is ready is held and registered by the
 * agent later; every provider URL registered is unregistered when shutdown begins. Consumer
 * URLs (Dubbo registers those too) and the application-level registry, whose
 * {@code register} only records metadata, go through untouched.
 */
public final class DubboLossless {

    static final String SERVICE_DISCOVERY_REGISTRY = "org.apache.dubbo.registry.client.ServiceDiscoveryRegistry";

    /** Set on the thread that makes a held registration (of either level), so that its own call goes through. */
    private static final ThreadLocal<Boolean> RELEASING = new ThreadLocal<Boolean>();

    private DubboLossless() {
    }

    /** True: skip this {@code register(URL)}, the agent holds it. Never throws. */
    public static boolean holdBack(Object registry, Object url) {
        if (releasing()) {
            return false;
        }
        try {
            if (!(registry instanceof Registry) || !(url instanceof URL)
                    || SERVICE_DISCOVERY_REGISTRY.equals(registry.getClass().getName())) {
                return false;
            }
            URL provider = (URL) url;
            if (!"provider".equals(provider.getParameter("side"))) {
                return false;
            }
            Registry r = (Registry) registry;
            String what = "Dubbo provider " + provider.getServiceInterface() + " " + provider.getAddress() + " in "
                    + r.getUrl().getProtocol() + "://" + r.getUrl().getAddress();
            return Lifecycle.control().holdRegistration(what, new Register(r, provider), new Unregister(r, provider));
        } catch (Throwable t) {
            AgentFaults.report("dubbo:lossless register", t);
            return false;
        }
    }

    /** The ready point of an application Dubbo alone drives (no Spring Boot around it). */
    static final String DUBBO_STARTED = "Dubbo application started";

    /**
     * Dubbo's application starts: unless a framework around it (Spring Boot) said first that it
     * will signal the ready point, the end of Dubbo's start is that point.
     */
    public static void starting() {
        try {
            Lifecycle.control().readyExpected(DUBBO_STARTED);
        } catch (Throwable t) {
            AgentFaults.report("dubbo:lossless starting", t);
        }
    }

    /** Dubbo's application has started: every service exported. */
    public static void started() {
        try {
            Lifecycle.control().ready(DUBBO_STARTED);
        } catch (Throwable t) {
            AgentFaults.report("dubbo:lossless started", t);
        }
    }

    /** Dubbo's shutdown hook is starting: deregister and drain first. */
    public static void beforeDubboShutdown() {
        try {
            Lifecycle.control().shutdown("Dubbo shutdown hook");
        } catch (Throwable t) {
            AgentFaults.report("dubbo:lossless shutdown", t);
        }
    }

    /** True on the thread making a registration the agent held: the advised methods let it through. */
    public static boolean releasing() {
        return RELEASING.get() != null;
    }

    /** A registration the agent held, made later through the advised method, which lets it through. */
    public abstract static class Release implements Runnable {

        @Override
        public final void run() {
            RELEASING.set(Boolean.TRUE);
            try {
                register();
            } finally {
                RELEASING.remove();
            }
        }

        /** Calls the framework's registration. */
        protected abstract void register();
    }

    /** Makes a held provider URL registration. */
    public static final class Register extends Release {
        private final Registry registry;
        private final URL url;

        Register(Registry registry, URL url) {
            this.registry = registry;
            this.url = url;
        }

        @Override
        protected void register() {
            registry.register(url);
        }
    }

    /** Unregisters a provider URL at shutdown, while the provider still serves. */
    public static final class Unregister implements Runnable {
        private final Registry registry;
        private final URL url;

        Unregister(Registry registry, URL url) {
            this.registry = registry;
            this.url = url;
        }

        @Override
        public void run() {
            registry.unregister(url);
        }
    }
}
