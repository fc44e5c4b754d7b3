package dev.lanes.it.plugin;

import dev.lanes.core.plugin.LanesPlugin;
import dev.lanes.core.plugin.PluginContext;
import dev.lanes.core.plugin.Support;
import dev.lanes.core.plugin.TypeInstrumentation;

import java.util.Collections;
import java.util.List;

/** A test extension whose start throws: the agent must mark it failed and carry on. */
public final class ThrowingStartPlugin implements LanesPlugin {

    @Override
    public String name() {
        return "throwing-start";
    }

    @Override
    public Support support(ClassLoader loader) {
        return Support.SUPPORTED;
    }

    @Override
    public List<TypeInstrumentation> typeInstrumentations() {
        return Collections.emptyList();
    }

    @Override
    public void start(PluginContext context) {
        throw new IllegalStateException("test plugin fails at start on purpose");
    }
}
