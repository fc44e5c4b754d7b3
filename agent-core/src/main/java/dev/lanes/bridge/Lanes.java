package dev.lanes.bridge;

import java.util.List;

/** Holds the routing implementation that plugins call, swapped in by the agent core. */
public final class Lanes {

    /** Leaves every choice to the framework: what the application sees without the agent. */
    public static final Routing PASS_THROUGH = new Routing() {
        @Override
        public String inbound(String carriedTag, RequestView request) {
            return carriedTag;
        }

        @Override
        public <T> List<T> eligible(String service, List<T> candidates, InstanceView<T> view, String tag,
                                    CarriedHeaders carried, RequestView request) {
            return candidates;
        }

        @Override
        public <T> T pickWeighted(String service, List<T> eligible, InstanceView<T> view) {
            return null;
        }

        @Override
        public <T> T choose(String service, List<T> candidates, InstanceView<T> view, String tag,
                            CarriedHeaders carried, RequestView request) {
            return null;
        }

        @Override
        public void record(String service, String address, boolean success) {
        }

        @Override
        public String instanceTag() {
            return null;
        }
    };

    private static volatile Routing routing = PASS_THROUGH;

    private Lanes() {
    }

    public static Routing routing() {
        return routing;
    }

    public static void install(Routing implementation) {
        routing = implementation == null ? PASS_THROUGH : implementation;
    }
}
