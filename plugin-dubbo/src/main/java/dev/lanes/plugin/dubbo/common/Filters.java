package dev.lanes.plugin.dubbo.common;

import java.util.List;

/**
 * Adds the Lanes filters to the filters Dubbo activates for a chain: the consumer filter to
 * consumer chains, the provider filter to provider chains, each first, so that the other
 * filters (the application's too) already see the tag; and the provider span filter last.
 */
public final class Filters {

    /** Dubbo's group names of the two sides ({@code CommonConstants.CONSUMER / PROVIDER}). */
    static final String CONSUMER = "consumer";
    static final String PROVIDER = "provider";
    /** The filter type whose activation the plugins extend. */
    public static final String FILTER_TYPE = "org.apache.dubbo.rpc.Filter";

    private Filters() {
    }

    /**
     * The filters to use for a chain of {@code group}: {@code activated} with the Lanes filter
     * first and, in a provider chain, {@link ProviderSpanFilter} last (after OpenTelemetry's
     * filter, which starts the server span).
     */
    public static List<?> withLanes(List<?> activated, String group) {
        if (CONSUMER.equals(group)) {
            return Extensions.with(activated, ConsumerFilter.INSTANCE, true);
        }
        if (PROVIDER.equals(group)) {
            return Extensions.with(Extensions.with(activated, ProviderFilter.INSTANCE, true),
                    ProviderSpanFilter.INSTANCE, false);
        }
        return activated;
    }
}
