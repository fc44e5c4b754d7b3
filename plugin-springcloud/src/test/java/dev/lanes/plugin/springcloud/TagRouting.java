package dev.lanes.plugin.springcloud;

import dev.lanes.bridge.InstanceView;
import dev.lanes.bridge.LaneUnavailableException;
import dev.lanes.bridge.RequestView;
import dev.lanes.bridge.Routing;
import dev.lanes.bridge.TrafficContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small deterministic {@link Routing} for this module's tests: keeps the instances whose tag
 * equals the traffic tag (base for untagged traffic), falls back to base unless the lane is
 * strict, lets a custom route (query {@code lane}, cookie {@code lane} or header {@code x-env})
 * win, and answers null when nothing was left out so the framework chooses.
 */
public final class TagRouting implements Routing {

    /** What one choose call saw. */
    public static final class Seen {
        public final String service;
        public final String trafficTag;
        public final String path;
        public final String method;
        public final int candidates;

        Seen(String service, String trafficTag, String path, String method, int candidates) {
            this.service = service;
            this.trafficTag = trafficTag;
            this.path = path;
            this.method = method;
            this.candidates = candidates;
        }
    }

    /** One outcome fed to outlier detection. */
    public static final class Outcome {
        public final String service;
        public final String address;
        public final boolean success;

        Outcome(String service, String address, boolean success) {
            this.service = service;
            this.address = address;
            this.success = success;
        }

        @Override
        public String toString() {
            return service + "@" + address + "=" + success;
        }
    }

    public final Set<String> strictLanes = ConcurrentHashMap.newKeySet();
    public final List<Seen> seen = new CopyOnWriteArrayList<>();
    public final List<Outcome> outcomes = new CopyOnWriteArrayList<>();
    public volatile boolean broken;
    public volatile String instanceTag;
    private final AtomicInteger next = new AtomicInteger();

    @Override
    public String inbound(String carriedTag, RequestView request) {
        return carriedTag;
    }

    @Override
    public <T> List<T> eligible(String service, List<T> candidates, InstanceView<T> view, String tag,
            dev.lanes.bridge.CarriedHeaders carried, RequestView request) {
        if (broken) {
            throw new IllegalStateException("test routing is broken on purpose");
        }
        String target = customRoute(request);
        if (target == null) {
            target = tag;
        }
        seen.add(new Seen(service, tag, request.path(), request.method(), candidates.size()));
        List<T> kept = withTag(candidates, view, target);
        if (kept.isEmpty() && target != null) {
            if (strictLanes.contains(target)) {
                throw new LaneUnavailableException(service, target);
            }
            kept = withTag(candidates, view, null);
        }
        if (kept.isEmpty() || kept.size() == candidates.size()) {
            return candidates;
        }
        return kept;
    }

    @Override
    public <T> T pickWeighted(String service, List<T> eligible, InstanceView<T> view) {
        return null;
    }

    @Override
    public <T> T choose(String service, List<T> candidates, InstanceView<T> view, String tag,
            dev.lanes.bridge.CarriedHeaders carried, RequestView request) {
        if (candidates == null || candidates.isEmpty()) {
            return null;
        }
        List<T> eligible = eligible(service, candidates, view, tag, carried, request);
        if (eligible == candidates) {
            return null;
        }
        return eligible.get((next.getAndIncrement() & Integer.MAX_VALUE) % eligible.size());
    }

    @Override
    public void record(String service, String address, boolean success) {
        outcomes.add(new Outcome(service, address, success));
    }

    @Override
    public String instanceTag() {
        return instanceTag;
    }

    private static String customRoute(RequestView request) {
        String lane = request.query("lane");
        if (lane == null) {
            lane = request.cookie("lane");
        }
        if (lane == null) {
            lane = request.header("x-env");
        }
        return lane;
    }

    private static <T> List<T> withTag(List<T> candidates, InstanceView<T> view, String tag) {
        List<T> kept = new ArrayList<>();
        for (T candidate : candidates) {
            String t = view.tag(candidate);
            if (tag == null ? t == null : tag.equals(t)) {
                kept.add(candidate);
            }
        }
        return kept;
    }
}
