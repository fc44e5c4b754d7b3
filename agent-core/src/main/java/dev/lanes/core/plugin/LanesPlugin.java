package dev.lanes.core.plugin;

import java.util.Collections;
import java.util.List;

/**
 * One plugin: the instrumentation of one framework (and version range). Plugins are found
 * with {@link java.util.ServiceLoader} in the agent's isolated class loader; each can be
 * switched off with {@code lanes.plugin.<name>.enabled=false}.
 */
public interface LanesPlugin {

    /** Short name, used in settings and in the admin endpoint, such as "springcloud". */
    String name();

    /**
     * Whether the framework found in {@code loader} fits this plugin. Called once per class
     * loader, before the first type of the plugin is transformed there; it must look at
     * resources (for example a version in a jar manifest or a marker class file) and never
     * load framework classes.
     */
    Support support(ClassLoader loader);

    /** What to transform; each element names one type by string. */
    List<TypeInstrumentation> typeInstrumentations();

    /**
     * Classes of this plugin that instrumented code calls directly (adapters that implement
     * framework interfaces, for example). They are defined in the application's class loader
     * before the first type of the plugin is transformed there, so they may use framework
     * types and the bridge, and nothing else of the agent.
     */
    default List<String> helperClassNames() {
        return Collections.emptyList();
    }

    /** Called once at start, before any transformation; a throw disables the plugin. */
    default void start(PluginContext context) throws Exception {
    }
}
