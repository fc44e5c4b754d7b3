package dev.lanes.plugin.dubbo.common;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.AgentLog;
import dev.lanes.bridge.InstanceView;
import dev.lanes.bridge.Lanes;
import org.apache.dubbo.config.AbstractInterfaceConfig;
import org.apache.dubbo.config.AbstractMethodConfig;
import org.apache.dubbo.config.AbstractServiceConfig;
import org.apache.dubbo.config.ApplicationConfig;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Puts {@code lanes.tag} (on tagged instances), {@code lanes.start} and, while the rules turn
 * warm-up on, Dubbo's {@code warmup} (the Lanes window) into the parameters of
 * a Dubbo service right before it is exported, as if the application had configured
 * {@code <dubbo:parameter key="lanes.tag" .../>}. Dubbo copies them into the provider URL, so
 * they reach consumers through interface-level registration, and through the instance
 * metadata with application-level discovery (see the v3 metadata parameter filter). A
 * parameter the application set itself is kept.
 */
public final class ServiceParameters {

    private static final String PLACE = "dubbo:ServiceConfig.export";
    /** Dubbo's provider warm-up, in milliseconds, which its load balances read from the URL. */
    static final String DUBBO_WARMUP_KEY = "warmup";

    private ServiceParameters() {
    }

    /** Called by the advice on {@code ServiceConfig.export}; never throws. */
    public static void beforeExport(Object config) {
        try {
            if (config instanceof AbstractMethodConfig) {
                String service = interfaceName((AbstractMethodConfig) config);
                if (service != null && !ServiceNames.isDubboInternal(service)) {
                    Lanes.routing().serviceProvided(service);
                }
                Lanes.routing().awaitRules();
                publish((AbstractMethodConfig) config, Lanes.routing().instanceTag(), System.currentTimeMillis(),
                        Lanes.routing().warmupWindowMillis());
            }
            if (config instanceof AbstractInterfaceConfig) {
                learnApplicationName((AbstractInterfaceConfig) config);
            }
        } catch (Throwable t) {
            AgentFaults.report(PLACE, t);
        }
    }

    /** Tells the engine the Dubbo application's name, for ingress rules, when lanes.app gave none. */
    private static void learnApplicationName(AbstractInterfaceConfig config) {
        ApplicationConfig application;
        try {
            application = config.getApplication();
        } catch (RuntimeException noneYet) {
            // Dubbo 3 throws when the application is configured elsewhere and not known yet.
            return;
        }
        String name = application == null ? null : application.getName();
        if (name != null && !name.isEmpty()) {
            Lanes.routing().applicationNameFound(name);
        }
    }

    /**
     * @param warmupMillis the Lanes warm-up window in force (0: off), published as Dubbo's own
     *                     {@code warmup} unless the application configured one: Dubbo's load
     *                     balances weigh a provider by it (10 minutes by default) once the Lanes
     *                     weights are all equal, and would otherwise hold a provider back long
     *                     after the Lanes window ended.
     */
    static void publish(AbstractMethodConfig config, String tag, long startMillis, long warmupMillis) {
        String service = describe(config);
        if (ServiceNames.isDubboInternal(service)) {
            return;
        }
        Map<String, String> parameters = config.getParameters();
        boolean addTag = tag != null && (parameters == null || parameters.get(InstanceView.TAG_KEY) == null);
        boolean addStart = parameters == null || parameters.get(InstanceView.START_KEY) == null;
        boolean addWarmup = warmupMillis > 0 && warmupMillis <= Integer.MAX_VALUE
                && (parameters == null || parameters.get(DUBBO_WARMUP_KEY) == null) && !warmupConfigured(config);
        if (!addTag && !addStart && !addWarmup) {
            return;
        }
        // A copy: the application's map may be read-only or shared between services.
        Map<String, String> updated = parameters == null ? new LinkedHashMap<String, String>()
                : new LinkedHashMap<String, String>(parameters);
        if (addTag) {
            updated.put(InstanceView.TAG_KEY, tag);
        }
        if (addStart) {
            updated.put(InstanceView.START_KEY, Long.toString(startMillis));
        }
        if (addWarmup) {
            updated.put(DUBBO_WARMUP_KEY, Long.toString(warmupMillis));
        }
        config.setParameters(updated);
        String published = updated.get(InstanceView.TAG_KEY) == null ? ""
                : InstanceView.TAG_KEY + "=" + updated.get(InstanceView.TAG_KEY) + ", ";
        AgentLog.info("exporting Dubbo service " + service + " with parameters " + published
                + InstanceView.START_KEY + "=" + updated.get(InstanceView.START_KEY)
                + (addWarmup ? ", " + DUBBO_WARMUP_KEY + "=" + warmupMillis : ""));
    }

    /** Whether the service, or the provider defaults it takes, set Dubbo's {@code warmup}. */
    private static boolean warmupConfigured(AbstractMethodConfig config) {
        if (config instanceof AbstractServiceConfig && ((AbstractServiceConfig) config).getWarmup() != null) {
            return true;
        }
        try {
            Object provider = config.getClass().getMethod("getProvider").invoke(config);
            return provider instanceof AbstractServiceConfig && ((AbstractServiceConfig) provider).getWarmup() != null;
        } catch (Exception | LinkageError e) {
            return false;
        }
    }

    /** The interface name: {@code getInterface()} of ServiceConfig, by name since AbstractMethodConfig lacks it. */
    private static String describe(AbstractMethodConfig config) {
        String name = interfaceName(config);
        return name == null ? config.getClass().getName() : name;
    }

    /** The interface a service config exports, the name consumers route by; null when it has none. */
    private static String interfaceName(AbstractMethodConfig config) {
        try {
            Object name = config.getClass().getMethod("getInterface").invoke(config);
            return name == null || name.toString().isEmpty() ? null : name.toString();
        } catch (Exception | LinkageError e) {
            return null;
        }
    }
}
