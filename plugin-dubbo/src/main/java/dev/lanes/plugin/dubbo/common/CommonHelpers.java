package dev.lanes.plugin.dubbo.common;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** The helpers both Dubbo plugins define in the application's class loader. */
public final class CommonHelpers {

    private static final String P = "dev.lanes.plugin.dubbo.common.";

    /** Helper classes shared by the 2.7 and 3.x plugins (supertypes need no particular order). */
    public static final List<String> NAMES = Collections.unmodifiableList(Arrays.asList(
            P + "InvokerView",
            P + "InvokerView$StartEntry",
            P + "InvocationView",
            P + "HopTags",
            P + "ServiceNames",
            P + "Extensions",
            P + "Filters",
            P + "ConsumerFilter",
            P + "ConsumerFilter$Outcome",
            P + "ProviderFilter",
            P + "ProviderSpanFilter",
            P + "StrictLanes",
            P + "DubboRouting",
            P + "LanesLoadBalance",
            P + "ServiceParameters",
            P + "DubboLossless",
            P + "DubboLossless$Release",
            P + "DubboLossless$Register",
            P + "DubboLossless$Unregister"));

    private CommonHelpers() {
    }
}
