package dev.lanes.core.plugins.tagloss;

import dev.lanes.core.plugin.LanesPlugin;
import dev.lanes.core.plugin.Support;
import dev.lanes.core.plugin.TypeInstrumentation;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Finds where a tagged request's lane leaks through the JDK's {@code HttpURLConnection}, which
 * Lanes does not instrument for routing: a call made while serving a tagged request that does not
 * carry the tag is counted and its call site named ({@link dev.lanes.bridge.TagLoss}). Built in:
 * the JDK is always there. The JDK's {@code java.net.http.HttpClient} is not watched: its classes
 * are defined by the platform class loader, which does not see the agent's bridge.
 */
public final class TagLossPlugin implements LanesPlugin {

    @Override
    public String name() {
        return "tagloss";
    }

    @Override
    public Support support(ClassLoader loader) {
        return Support.SUPPORTED;
    }

    @Override
    public List<TypeInstrumentation> typeInstrumentations() {
        return Collections.unmodifiableList(Arrays.<TypeInstrumentation>asList(
                new HttpUrlConnectionInstrumentation(),
                new JdkHttpClientInstrumentation()));
    }
}
