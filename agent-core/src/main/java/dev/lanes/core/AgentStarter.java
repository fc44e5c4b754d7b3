package dev.lanes.core;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.AgentLog;
import dev.lanes.bridge.CarriedHeaders;
import dev.lanes.bridge.Lanes;
import dev.lanes.bridge.Lifecycle;
import dev.lanes.core.admin.AdminServer;
import dev.lanes.core.rules.source.AgentAnnouncement;
import dev.lanes.core.lifecycle.LosslessLifecycle;
import dev.lanes.core.config.AgentConfig;
import dev.lanes.core.config.Setting;
import dev.lanes.core.plugin.AgentTimings;
import dev.lanes.core.plugin.ExtensionClassLoader;
import dev.lanes.core.plugin.PluginContext;
import dev.lanes.core.plugin.PluginInstaller;
import dev.lanes.core.plugin.PluginStatus;
import dev.lanes.core.routing.LaneMetrics;
import dev.lanes.core.routing.LaneRouter;
import dev.lanes.core.trace.OpenTelemetryLane;
import dev.lanes.core.rules.RuleStartup;
import dev.lanes.core.rules.RuleStore;
import dev.lanes.core.rules.source.RuleSources;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.util.Collections;
import java.util.List;

/**
 * Starts the agent core inside its isolated class loader: settings, rules, the routing
 * engine, plugins and the admin endpoint, in that order. Each step fails on its own; the
 * application never does.
 */
public final class AgentStarter {

    private static volatile AgentState state;

    private AgentStarter() {
    }

    /** Called reflectively by the launcher; false when the start failed (and was reported). */
    public static boolean start(Instrumentation inst, String args, File agentJar, boolean attached) {
        try {
            doStart(inst, args, agentJar, attached);
            return true;
        } catch (Throwable t) {
            AgentFaults.report("agent:start", t);
            return false;
        }
    }

    /** The running agent's state, or null before start. */
    public static AgentState state() {
        return state;
    }

    private static void doStart(Instrumentation inst, String args, File agentJar, boolean attached) {
        long startMillis = System.currentTimeMillis();
        long startNanos = System.nanoTime();
        AgentConfig config = AgentConfig.load(args);
        String level = config.get(Setting.LOG_LEVEL);
        if (level != null) {
            AgentLog.setLevel(AgentLog.parseLevel(level));
        }
        for (String problem : config.problems()) {
            AgentLog.warn("setting ignored: " + problem);
        }
        String version = AgentVersion.get();
        final String tag = config.get(Setting.TAG);
        final String app = applicationName(config);

        RuleStore rules = new RuleStore();
        // Set before the source can apply anything, so no snapshot's headers are missed.
        rules.addListener(snapshot -> CarriedHeaders.propagate(snapshot.propagate().toArray(new String[0])));
        ClassLoader agentLoader = AgentStarter.class.getClassLoader();
        // The rule source starts on its own thread, overlapping the application's start-up;
        // the engine's first decisions wait for it (bounded) through the supplier.
        RuleStartup ruleStartup = RuleStartup.begin(config, app, rules, agentLoader);
        LaneMetrics metrics = new LaneMetrics();
        LaneRouter router = new LaneRouter(app, tag, ruleStartup, metrics, SystemClock.INSTANCE);
        router.openTelemetry(new OpenTelemetryLane());
        final RuleStartup startup = ruleStartup;
        router.onApplicationNameFound(new java.util.function.Function<String, String>() {
            @Override
            public String apply(String name) {
                return startup.applicationNameFound(name);
            }
        });
        Lanes.install(router);
        final LosslessLifecycle lifecycle = LosslessLifecycle.forAgent(() -> startup.get().lossless(),
                SystemClock.INSTANCE);
        Lifecycle.install(lifecycle);
        long rulesNanos = System.nanoTime();

        ClassLoader pluginLoader = ExtensionClassLoader.create(config.get(Setting.EXTENSIONS), agentLoader);
        final AgentConfig settings = config;
        final long started = startMillis;
        PluginContext context = new PluginContext() {
            @Override
            public String applicationName() {
                return app;
            }

            @Override
            public String instanceTag() {
                return tag;
            }

            @Override
            public long startMillis() {
                return started;
            }

            @Override
            public String setting(String key) {
                return settings.get(key);
            }
        };
        List<PluginStatus> plugins;
        try {
            plugins = new PluginInstaller(inst, pluginLoader, context, new PluginInstaller.PluginSwitch() {
                @Override
                public boolean enabled(String plugin) {
                    return settings.pluginEnabled(plugin);
                }

                @Override
                public void pluginsFound(List<String> names) {
                    for (String problem : settings.checkPluginSwitches(names)) {
                        AgentLog.warn(problem);
                    }
                }
            }).installAll();
        } catch (Throwable t) {
            AgentFaults.report("plugins:install", t);
            plugins = Collections.emptyList();
        }

        long pluginsNanos = System.nanoTime();
        AgentState current = new AgentState(version, app, tag, attached, startMillis, config, plugins, rules, metrics,
                router, lifecycle);
        state = current;

        String port = config.get(Setting.ADMIN_PORT);
        AdminServer admin = port == null ? null : AdminServer.start(Integer.parseInt(port), current);
        if (admin != null) {
            // For console --rules: the fleet's rule source says where each admin endpoint answers.
            ruleStartup.announce(AgentAnnouncement.ofThisJvm(app, tag, admin.port(), startMillis));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(new Shutdown(lifecycle, ruleStartup, admin), "lanes-shutdown"));

        long endNanos = System.nanoTime();
        AgentTimings.instance().premain(endNanos - startNanos);
        String rulesSetting = config.get(Setting.RULES);
        // A setting the source refused is an ERROR on this line, not a quiet start without rules.
        String rulesFailure = rulesSetting == null ? null : ruleStartup.startLineShown();
        String line = "Lanes " + version + " started" + (attached ? " (attached)" : "") + ": app="
                + (app == null ? "(unknown)" : app) + ", tag=" + (tag == null ? "(base)" : tag) + ", rules="
                + (rulesSetting == null ? "none" : RuleSources.redact(rulesSetting) + (rulesFailure != null
                ? " FAILED (" + rulesFailure + ")" : ruleStartup.isReady() ? "" : " (starting in the background)"))
                + ", plugins=" + names(plugins) + ", in "
                + millis(endNanos - startNanos) + " ms (settings and rule source "
                + millis(rulesNanos - startNanos) + " ms, plugins " + millis(pluginsNanos - rulesNanos)
                + " ms, admin " + millis(endNanos - pluginsNanos) + " ms)";
        if (rulesFailure != null) {
            AgentLog.error(line + "; the agent runs without a rule source", null);
        } else {
            AgentLog.info(line);
        }
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000L;
    }

    /** The tag-less fallbacks for the application name: the frameworks' own settings. */
    private static String applicationName(AgentConfig config) {
        String app = config.get(Setting.APP);
        if (app == null) {
            app = System.getProperty("spring.application.name");
        }
        if (app == null) {
            app = System.getProperty("dubbo.application.name");
        }
        return app;
    }

    private static String names(List<PluginStatus> plugins) {
        StringBuilder sb = new StringBuilder("[");
        for (PluginStatus p : plugins) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(p.name());
            if (p.state() != PluginStatus.State.INSTALLED) {
                sb.append(' ').append(p.state().name().toLowerCase(java.util.Locale.ROOT));
            }
        }
        return sb.append(']').toString();
    }

    /**
     * At JVM exit: deregisters and drains (or waits for the Spring or Dubbo shutdown path that
     * got there first), then stops the rule source and the admin endpoint, which shows the
     * draining phase until then.
     */
    private static final class Shutdown implements Runnable {
        private final LosslessLifecycle lifecycle;
        private final RuleStartup source;
        private final AdminServer admin;

        Shutdown(LosslessLifecycle lifecycle, RuleStartup source, AdminServer admin) {
            this.lifecycle = lifecycle;
            this.source = source;
            this.admin = admin;
        }

        @Override
        public void run() {
            try {
                lifecycle.shutdown("JVM shutdown");
            } catch (Throwable t) {
                AgentFaults.report("lossless:shutdown", t);
            }
            try {
                if (source != null) {
                    source.close();
                }
                if (admin != null) {
                    admin.stop();
                }
            } catch (Throwable t) {
                AgentFaults.report("agent:shutdown", t);
            }
        }
    }
}
