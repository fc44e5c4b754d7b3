package dev.lanes.plugin.springcloud.registration;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.Lifecycle;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.cloud.client.serviceregistry.ServiceRegistry;

/**
 * Lossless online for Spring Cloud: a {@code ServiceRegistry.register} call made before the
 * application is ready (auto-registration runs on {@code WebServerInitializedEvent}, before
 * runners and {@code ApplicationReadyEvent}) is skipped and made again by the agent once the
 * application is ready plus {@code lossless.registrationDelay}; the registration is
 * deregistered first thing at shutdown.
 */
public final class LosslessRegistrationHelper {

    /** Set on the thread that makes a held registration, so that its own call goes through. */
    private static final ThreadLocal<Boolean> RELEASING = new ThreadLocal<Boolean>();

    private LosslessRegistrationHelper() {
    }

    /** Called by the advice on {@code register}; true means skip the call (held). Never throws. */
    public static boolean holdBack(Object registry, Object registration) {
        if (RELEASING.get() != null) {
            return false;
        }
        try {
            if (!(registry instanceof ServiceRegistry) || !(registration instanceof Registration)) {
                return false;
            }
            @SuppressWarnings("unchecked")
            ServiceRegistry<Registration> typed = (ServiceRegistry<Registration>) registry;
            Registration r = (Registration) registration;
            String what = "Spring Cloud " + registry.getClass().getSimpleName() + " '" + r.getServiceId() + "' "
                    + r.getHost() + ":" + r.getPort();
            return Lifecycle.control().holdRegistration(what, new Register(typed, r), new Deregister(typed, r));
        } catch (Throwable t) {
            AgentFaults.report("springcloud:lossless register", t);
            return false;
        }
    }

    /** Makes a held registration, through the advised method (which adds the metadata then). */
    public static final class Register implements Runnable {
        private final ServiceRegistry<Registration> registry;
        private final Registration registration;

        Register(ServiceRegistry<Registration> registry, Registration registration) {
            this.registry = registry;
            this.registration = registration;
        }

        @Override
        public void run() {
            RELEASING.set(Boolean.TRUE);
            try {
                registry.register(registration);
            } finally {
                RELEASING.remove();
            }
        }
    }

    /** Undoes a registration at shutdown, before the web server stops. */
    public static final class Deregister implements Runnable {
        private final ServiceRegistry<Registration> registry;
        private final Registration registration;

        Deregister(ServiceRegistry<Registration> registry, Registration registration) {
            this.registry = registry;
            this.registration = registration;
        }

        @Override
        public void run() {
            registry.deregister(registration);
        }
    }
}
