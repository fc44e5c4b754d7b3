package dev.lanes.plugin.springcloud;

import dev.lanes.bridge.CarriedHeaders;
import dev.lanes.bridge.InstanceView;
import dev.lanes.bridge.Lanes;
import dev.lanes.bridge.RequestView;
import dev.lanes.bridge.Routing;
import dev.lanes.core.routing.LaneMetrics;
import dev.lanes.core.routing.LaneRouter;
import dev.lanes.core.rules.RuleParser;
import dev.lanes.core.rules.RuleSnapshot;
import dev.lanes.core.rules.RuleValidationException;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The agent's real routing engine ({@link LaneRouter}) for this module's tests, over rules
 * written in YAML and parsed as the agent parses them, and a settable clock. What is installed
 * in {@link Lanes} is the engine behind a thin spy that records the outcomes fed to outlier
 * detection and can be made to fail on purpose; every decision is the engine's.
 */
public final class Engine implements Routing {

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

    public final AtomicReference<RuleSnapshot> rules = new AtomicReference<>(RuleSnapshot.EMPTY);
    public final AtomicLong clock = new AtomicLong(System.currentTimeMillis());
    public final LaneRouter router;
    public final List<Outcome> outcomes = new CopyOnWriteArrayList<>();
    /** When set, the engine's inbound decision and candidate filtering throw, as an agent fault would. */
    public volatile boolean broken;

    private Engine(String instanceTag) {
        router = new LaneRouter("caller", instanceTag, rules::get, new LaneMetrics(), clock::get);
    }

    /** The engine of a base instance (or one tagged {@code instanceTag}), installed, with no rules. */
    public static Engine install(String instanceTag) {
        Engine engine = new Engine(instanceTag);
        Lanes.install(engine);
        return engine;
    }

    /** Applies a rule document, as a rule source would. */
    public Engine rules(String yaml) {
        try {
            rules.set(RuleParser.parse(yaml, "test"));
        } catch (RuleValidationException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return this;
    }

    @Override
    public String inbound(String carriedTag, RequestView request) {
        if (broken) {
            throw new IllegalStateException("routing broken on purpose by the test");
        }
        return router.inbound(carriedTag, request);
    }

    @Override
    public <T> List<T> eligible(String service, List<T> candidates, InstanceView<T> view, String tag,
                                CarriedHeaders carried, RequestView request) {
        if (broken) {
            throw new IllegalStateException("routing broken on purpose by the test");
        }
        return router.eligible(service, candidates, view, tag, carried, request);
    }

    @Override
    public <T> T pickWeighted(String service, List<T> eligible, InstanceView<T> view) {
        return router.pickWeighted(service, eligible, view);
    }

    @Override
    public <T> T choose(String service, List<T> candidates, InstanceView<T> view, String tag, CarriedHeaders carried,
                        RequestView request) {
        if (broken) {
            throw new IllegalStateException("routing broken on purpose by the test");
        }
        return router.choose(service, candidates, view, tag, carried, request);
    }

    @Override
    public void record(String service, String address, boolean success) {
        outcomes.add(new Outcome(service, address, success));
        router.record(service, address, success);
    }

    @Override
    public void completed(String service, String address, boolean success, String lane, String instanceTag,
                          long nanos) {
        outcomes.add(new Outcome(service, address, success));
        router.completed(service, address, success, lane, instanceTag, nanos);
    }

    /** Addresses reported closing (or refused), in order. */
    public final List<String> closings = new CopyOnWriteArrayList<>();

    @Override
    public boolean closing(String service, String address) {
        closings.add(service + "@" + address);
        return router.closing(service, address);
    }

    @Override
    public String instanceTag() {
        return router.instanceTag();
    }

    @Override
    public boolean hasRoutes(String service) {
        return router.hasRoutes(service);
    }

    @Override
    public void applicationNameFound(String name) {
        router.applicationNameFound(name);
    }

    @Override
    public void awaitRules() {
        router.awaitRules();
    }

    @Override
    public String applicationName() {
        return router.applicationName();
    }

    @Override
    public boolean trusted(RequestView request) {
        return router.trusted(request);
    }

    @Override
    public void entryFound(String what) {
        router.entryFound(what);
    }

    @Override
    public String trustHeader() {
        return router.trustHeader();
    }
}
