package dev.lanes.plugin.dubbo.common;

import java.util.List;

/**
 * Adds the Lanes filters to the filters Dubbo activates for a chain: the consumer filter to
 * consumer chains, the provider filter to provider chains, each first, so that the other
 * filters (the application's too) already see the tag.
 */
public final class Filters {

    /** Dubbo's group names of the two sides ({@code CommonConstants.CONSUMER / PROVIDER}). */
    static final String CONSUMER = "consumer";
    static final String PROVIDER = "provider";
    /** The filter type whose activation the plugins extend. */
    public static final String FILTER_TYPE = "org.apache.dubbo.rpc.Filter";

    private Filters() {
    }

    /** The filters to use for a chain of {@code group}: {@code activated} with the Lanes filter first. */
    public static List<?> withLanes(List<?> activated, String group) {
        Object filter = CONSUMER.equals(group) ? ConsumerFilter.INSTANCE
                : PROVIDER.equals(group) ? ProviderFilter.INSTANCE : null;
        return filter == null ? activated : Extensions.with(activated, filter, true);
    }
}
