package dev.lanes.plugin.springcloud.web.common;

import dev.lanes.bridge.InstanceView;
import dev.lanes.bridge.Lanes;
import dev.lanes.bridge.RequestView;
import dev.lanes.bridge.Routing;
import java.util.List;

/**
 * The inbound part of the routing semantics that this plugin depends on (row 4, node dyeing),
 * standing in for the engine in plugin tests: an untagged request is dyed with this node's tag.
 */
public class NodeDyeing implements Routing {

    private final String nodeTag;

    public NodeDyeing(String nodeTag) {
        this.nodeTag = nodeTag;
    }

    @Override
    public String inbound(String carriedTag, RequestView request) {
        return carriedTag != null ? carriedTag : nodeTag;
    }

    @Override
    public <T> List<T> eligible(String service, List<T> candidates, InstanceView<T> view, String tag,
            dev.lanes.bridge.CarriedHeaders carried, RequestView request) {
        return candidates;
    }

    @Override
    public <T> T pickWeighted(String service, List<T> eligible, InstanceView<T> view) {
        return null;
    }

    @Override
    public <T> T choose(String service, List<T> candidates, InstanceView<T> view, String tag,
            dev.lanes.bridge.CarriedHeaders carried, RequestView request) {
        return null;
    }

    @Override
    public void record(String service, String address, boolean success) {
    }

    @Override
    public String instanceTag() {
        return nodeTag;
    }
}
