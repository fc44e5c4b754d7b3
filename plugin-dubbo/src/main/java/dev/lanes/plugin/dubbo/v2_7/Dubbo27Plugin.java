package dev.lanes.plugin.dubbo.v2_7;

import dev.lanes.core.plugin.LanesPlugin;
import dev.lanes.core.plugin.Support;
import dev.lanes.core.plugin.TypeInstrumentation;
import dev.lanes.plugin.dubbo.common.ClusterInvokerInstrumentation;
import dev.lanes.plugin.dubbo.common.CommonHelpers;
import dev.lanes.plugin.dubbo.common.DubboVersion;
import dev.lanes.plugin.dubbo.common.DubboShutdownHookInstrumentation;
import dev.lanes.plugin.dubbo.common.RegistryInstrumentation;
import dev.lanes.plugin.dubbo.common.ServiceConfigInstrumentation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Apache Dubbo 2.7.5 to 2.7.x ({@code org.apache.dubbo}): provider parameters, attachment filters, a
 * router and a load-balance wrapper, all in Dubbo's own extension types.
 */
public final class Dubbo27Plugin implements LanesPlugin {

    /** Where the version cannot be read: 2.7 has the router factory and lacks 3.x's state routers. */
    static final DubboVersion.Range RANGE = new DubboVersion.Range("2.7.5", "2.7", "Apache Dubbo 2.7.5 to 2.7.x",
            new String[] {"org/apache/dubbo/rpc/cluster/RouterFactory.class"},
            new String[] {"org/apache/dubbo/rpc/cluster/router/state/StateRouter.class"});

    private static final List<String> HELPER_CLASS_NAMES;

    static {
        List<String> names = new ArrayList<String>(CommonHelpers.NAMES);
        String p = "dev.lanes.plugin.dubbo.v2_7.";
        names.addAll(Arrays.asList(p + "Dubbo27Router", p + "Dubbo27RouterFactory", p + "Dubbo27Extensions"));
        HELPER_CLASS_NAMES = Collections.unmodifiableList(names);
    }

    private static final List<TypeInstrumentation> INSTRUMENTATIONS = Collections.unmodifiableList(
            Arrays.<TypeInstrumentation>asList(
                    new ExtensionLoaderInstrumentation(),
                    new ServiceConfigInstrumentation(),
                    new RegistryInstrumentation(),
                    new BootstrapInstrumentation(),
                    new DubboShutdownHookInstrumentation(),
                    new ClusterInvokerInstrumentation()));

    @Override
    public String name() {
        return "dubbo27";
    }

    @Override
    public Support support(ClassLoader loader) {
        return DubboVersion.support(loader, RANGE);
    }

    @Override
    public List<TypeInstrumentation> typeInstrumentations() {
        return INSTRUMENTATIONS;
    }

    @Override
    public List<String> helperClassNames() {
        return HELPER_CLASS_NAMES;
    }
}
