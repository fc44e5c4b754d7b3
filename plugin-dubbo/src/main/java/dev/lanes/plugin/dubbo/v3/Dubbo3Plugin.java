package dev.lanes.plugin.dubbo.v3;

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
 * Apache Dubbo 3.1.x to 3.3.x: provider and metadata parameters, attachment filters, a state
 * router and a load-balance wrapper, all in Dubbo's own extension types.
 */
public final class Dubbo3Plugin implements LanesPlugin {

    /** Where the version cannot be read: the state routers the plugin's router joins. */
    static final DubboVersion.Range RANGE = new DubboVersion.Range("3.1.0", "3.3", "Apache Dubbo 3.1.x to 3.3.x",
            new String[] {"org/apache/dubbo/rpc/cluster/router/state/StateRouter.class"}, new String[0]);

    private static final List<String> HELPER_CLASS_NAMES;

    static {
        List<String> names = new ArrayList<String>(CommonHelpers.NAMES);
        String p = "dev.lanes.plugin.dubbo.v3.";
        names.addAll(Arrays.asList(p + "LanesStateRouter", p + "LanesStateRouterFactory",
                p + "LanesMetadataParamsFilter", p + "LanesMigrationAddressComparator", p + "Dubbo3Extensions",
                p + "InstanceRegistration", p + "InstanceRegistration$State", p + "InstanceRegistration$Register",
                p + "InstanceRegistration$Unregister"));
        HELPER_CLASS_NAMES = Collections.unmodifiableList(names);
    }

    private static final List<TypeInstrumentation> INSTRUMENTATIONS = Collections.unmodifiableList(
            Arrays.<TypeInstrumentation>asList(
                    new ExtensionLoaderInstrumentation(),
                    new ServiceConfigInstrumentation(),
                    new RegistryInstrumentation(),
                    new ServiceDiscoveryInstrumentation(),
                    new DeployerInstrumentation(),
                    new DubboShutdownHookInstrumentation(),
                    new ClusterInvokerInstrumentation()));

    @Override
    public String name() {
        return "dubbo3";
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
