package dev.lanes.it.probe;

import dev.lanes.bridge.InstanceView;
import dev.lanes.bridge.Lanes;
import dev.lanes.bridge.RequestView;

import java.util.Arrays;
import java.util.List;

/** Defined in the application's class loader: asks the engine to choose, as a load balancer would. */
public final class ProbeHelper {

    private static final List<String> INSTANCES = Arrays.asList("base-1", "gray-1", "blue-1");
    private static final InstanceView<String> VIEW = new View();

    private ProbeHelper() {
    }

    /** The chosen instance, or "framework" when the engine leaves the choice to the framework. */
    public static String route() {
        String chosen = Lanes.routing().choose("probe-service", INSTANCES, VIEW, null, null, RequestView.EMPTY);
        return chosen == null ? "framework" : chosen;
    }

    /** Instances named "tag-n"; "base-n" is untagged. */
    static final class View implements InstanceView<String> {
        @Override
        public String tag(String instance) {
            String tag = instance.substring(0, instance.indexOf('-'));
            return tag.equals("base") ? null : tag;
        }

        @Override
        public long startMillis(String instance) {
            return -1;
        }

        @Override
        public String address(String instance) {
            return instance;
        }
    }
}
