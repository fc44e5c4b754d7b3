package dev.lanes.plugin.springcloud.registration;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.AgentLog;
import dev.lanes.bridge.InstanceView;
import dev.lanes.bridge.Lanes;
import dev.lanes.plugin.springcloud.loadbalancer.ServiceInstanceView;
import org.springframework.cloud.client.serviceregistry.Registration;

import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes {@code lanes.tag} and {@code lanes.start} into a {@link Registration}'s metadata
 * right before a {@code ServiceRegistry} publishes it. Each registry keeps the published
 * metadata in a different place; this class writes where each one actually reads:
 * <ul>
 * <li>ZooKeeper, Nacos: {@code getMetadata()} is the live map the registry serializes;</li>
 * <li>Consul: the same, but Consul rejects metadata keys with a dot, so the keys are
 * {@code lanes_tag} / {@code lanes_start} (the instance view reads both spellings);</li>
 * <li>Eureka: {@code getMetadata()} is the configuration map, already copied into the
 * {@code InstanceInfo}; the entries also go to {@code ApplicationInfoManager.registerAppMetadata},
 * which is what the Eureka client sends.</li>
 * </ul>
 * Registry types are reached by method name so that no registry needs to be on the class path.
 */
public final class RegistrationMetadataHelper {

    /** Spring Cloud Consul's registration type, the base of every Consul registration. */
    static final String CONSUL_REGISTRATION = "org.springframework.cloud.consul.serviceregistry.ConsulRegistration";

    private static final String PLACE = "springcloud:ServiceRegistry.register";

    private RegistrationMetadataHelper() {
    }

    /** Called by the advice on {@code ServiceRegistry.register}; never throws. */
    public static void beforeRegister(Object registration) {
        try {
            if (registration instanceof Registration) {
                Lanes.routing().applicationNameFound(((Registration) registration).getServiceId());
                Lanes.routing().awaitRules();
                publish((Registration) registration, Lanes.routing().instanceTag(), System.currentTimeMillis());
            }
        } catch (Throwable t) {
            AgentFaults.report(PLACE, t);
        }
    }

    /**
     * Puts the tag (when not null) and the start time into the metadata that the registry of
     * {@code registration} publishes. A tag already in the metadata stays when {@code tag} is
     * null, so a tag set by configuration is not removed.
     */
    static void publish(Registration registration, String tag, long startMillis) {
        boolean consul = isConsul(registration);
        Map<String, String> entries = new LinkedHashMap<String, String>(4);
        if (tag != null) {
            entries.put(consul ? ServiceInstanceView.CONSUL_TAG_KEY : InstanceView.TAG_KEY, tag);
        }
        entries.put(consul ? ServiceInstanceView.CONSUL_START_KEY : InstanceView.START_KEY, Long.toString(startMillis));

        boolean written = putAll(registration.getMetadata(), entries);
        if (!written && invoke(registration, "getServiceInstance") != NOT_FOUND) {
            // ZooKeeper's registration answers an empty read-only map until its instance is
            // built; building it is what register() does first anyway.
            written = putAll(registration.getMetadata(), entries);
        }
        if (!written) {
            written = replaceMetadata(registration, entries);
        }
        boolean eureka = publishToEureka(registration, entries);
        if (!written && !eureka) {
            AgentLog.warnOnce("springcloud:registration:" + registration.getClass().getName(),
                    "cannot publish " + entries.keySet() + " for service '" + registration.getServiceId()
                            + "': the metadata of " + registration.getClass().getName()
                            + " is read-only; routing by lanes will treat this instance as untagged");
        } else {
            AgentLog.info("registering service '" + registration.getServiceId() + "' with metadata " + entries);
        }
    }

    /**
     * A Consul registration: Spring Cloud Consul's {@code ConsulRegistration} or any subclass,
     * wherever the application put it. Decided by the exact type, never by a package prefix.
     */
    static boolean isConsul(Registration registration) {
        for (Class<?> c = registration.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            if (CONSUL_REGISTRATION.equals(c.getName())) {
                return true;
            }
        }
        return false;
    }

    private static boolean putAll(Map<String, String> metadata, Map<String, String> entries) {
        if (metadata == null) {
            return false;
        }
        try {
            metadata.putAll(entries);
            return true;
        } catch (UnsupportedOperationException readOnly) {
            return false;
        }
    }

    /** For registrations whose map is read-only but which offer {@code setMetadata(Map)}. */
    private static boolean replaceMetadata(Registration registration, Map<String, String> entries) {
        Map<String, String> merged = new LinkedHashMap<String, String>();
        Map<String, String> current = registration.getMetadata();
        if (current != null) {
            merged.putAll(current);
        }
        merged.putAll(entries);
        return invoke(registration, "setMetadata", Map.class, merged) != NOT_FOUND;
    }

    /** Eureka publishes its {@code InstanceInfo}, which holds its own copy of the metadata. */
    private static boolean publishToEureka(Registration registration, Map<String, String> entries) {
        Object manager = invoke(registration, "getApplicationInfoManager");
        if (manager == NOT_FOUND || manager == null) {
            return false;
        }
        return invoke(manager, "registerAppMetadata", Map.class, entries) != NOT_FOUND;
    }

    private static final Object NOT_FOUND = new Object();

    private static Object invoke(Object target, String name) {
        return invoke(target, name, null, null);
    }

    /** Calls a public method by name; NOT_FOUND when there is none. Exceptions propagate. */
    private static Object invoke(Object target, String name, Class<?> parameterType, Object argument) {
        Method method;
        try {
            method = parameterType == null ? target.getClass().getMethod(name)
                    : target.getClass().getMethod(name, parameterType);
        } catch (NoSuchMethodException e) {
            return NOT_FOUND;
        }
        try {
            if (!method.isAccessible()) {
                method.setAccessible(true);
            }
            return parameterType == null ? method.invoke(target) : method.invoke(target, argument);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw new IllegalStateException(name + " failed on " + target.getClass().getName(), e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(name + " is not accessible on " + target.getClass().getName(), e);
        }
    }
}
