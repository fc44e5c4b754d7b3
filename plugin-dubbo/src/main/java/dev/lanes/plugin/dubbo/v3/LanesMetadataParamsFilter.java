package dev.lanes.plugin.dubbo.v3;

import dev.lanes.bridge.InstanceView;
import org.apache.dubbo.metadata.MetadataParamsFilter;

/**
 * Makes {@code lanes.tag} and {@code lanes.start} instance parameters of application-level
 * discovery, like Dubbo's own {@code timestamp}: they travel in each instance's metadata,
 * where the provider URLs of consumers find them, and stay out of the service metadata, so
 * that instances of one application still share one metadata revision.
 */
public final class LanesMetadataParamsFilter implements MetadataParamsFilter {

    public static final LanesMetadataParamsFilter INSTANCE = new LanesMetadataParamsFilter();

    private LanesMetadataParamsFilter() {
    }

    @Override
    public String[] serviceParamsExcluded() {
        return new String[] {InstanceView.TAG_KEY, InstanceView.START_KEY};
    }

    @Override
    public String[] instanceParamsIncluded() {
        return new String[] {InstanceView.TAG_KEY, InstanceView.START_KEY};
    }
}
