package dev.lanes.bridge;

import java.util.List;

/**
 * The routing facade that plugins call. The agent core installs the real engine through
 * {@link Lanes#install(Routing)}; until then, or if the core failed to start, a pass-through
 * implementation leaves every choice to the framework.
 */
public interface Routing {

    /**
     * The traffic tag for an inbound request: a valid tag the request carries (the
     * {@code x-lanes-tag} header, attachment or baggage, passed as {@code carriedTag}), else a
     * tag from an ingress dyeing rule, else this instance's own tag (node dyeing), else null.
     * Counts the request for its lane.
     */
    String inbound(String carriedTag, RequestView request);

    /**
     * The instances an outbound call to {@code service} may go to, by the routing semantics
     * (custom routes, lane, fallback, outlier ejection with panic threshold). Returns
     * {@code candidates} itself when nothing is left out, and always in dry run (the decision is
     * then only counted). The engine reads nothing from the thread: the hop's inputs are the
     * parameters, which a plugin decides with {@link TrafficContext#hopTag} and
     * {@link TrafficContext#headers()} (or the state it captured on the calling thread).
     *
     * @param tag     the traffic tag of this hop, from {@link TrafficContext#hopTag}; null for
     *                untagged traffic, which then follows this instance's own tag (DESIGN row 4)
     * @param carried the headers the rules propagate, as the request being served carries them;
     *                custom routes match them like the request's own headers; may be null
     * @param request the outbound call, for custom routes; may be null
     * @throws LaneUnavailableException for a strict lane with no instance up
     */
    <T> List<T> eligible(String service, List<T> candidates, InstanceView<T> view, String tag,
                         CarriedHeaders carried, RequestView request);

    /**
     * One instance among {@code eligible}, weighted by warm-up weight; null when every
     * instance weighs the same (or the rules are in dry run) and the framework's own balancer
     * should choose.
     */
    <T> T pickWeighted(String service, List<T> eligible, InstanceView<T> view);

    /**
     * {@link #eligible} then a weighted pick, without allocating in the steady state, for a
     * framework with no balancer of its own to leave the choice to.
     * Returns null when the framework's own choice should stand: {@code candidates} is null or
     * empty, or nothing was left out and every instance weighs the same, or the rules are in
     * dry run (evaluated and counted, not enforced). Otherwise returns the chosen instance,
     * uniformly at random among equal weights.
     *
     * @throws LaneUnavailableException for a strict lane with no instance up
     */
    <T> T choose(String service, List<T> candidates, InstanceView<T> view, String tag, CarriedHeaders carried,
                 RequestView request);

    /** Feeds outlier detection with the outcome of one call to an instance. */
    void record(String service, String address, boolean success);

    /**
     * The outcome of one call that ended: feeds outlier detection, as {@link #record} does, and
     * the call metrics.
     *
     * @param lane        the hop's tag (null: base)
     * @param instanceTag the tag of the instance called (null: base)
     * @param nanos       how long the call took, or -1 when its start was not seen
     */
    default void completed(String service, String address, boolean success, String lane, String instanceTag,
                           long nanos) {
        record(service, address, success);
    }

    /**
     * The instance at {@code address} answered that it is going away ({@code x-lanes-closing:
     * true}) or refused a connection: the engine leaves it out of {@link #eligible} and
     * {@link #choose} at once, whatever the outlier rules, for a while or until it answers a
     * call made afterwards, unless too few instances would remain (the panic threshold).
     * Returns true when it was not left out for that already: the first signal of a closing,
     * on which a plugin may refresh its framework's cached instance list once.
     */
    default boolean closing(String service, String address) {
        return false;
    }

    /** This instance's own tag, or null for a base instance. */
    String instanceTag();

    /**
     * Whether the rules in force have custom routes for calls to {@code service}. Lets a plugin
     * whose framework knows a service by two names (a Dubbo interface and the application that
     * provides it) route by the name the rules use.
     */
    default boolean hasRoutes(String service) {
        return false;
    }

    /**
     * Tells the engine this application's name as a framework learnt it (the service id it
     * registers under), for when the setting {@code lanes.app} does not give one. The first
     * name wins; later calls are ignored.
     */
    default void applicationNameFound(String name) {
    }

    /**
     * Tells the engine this application provides {@code service} under that name (a Dubbo
     * interface it exports), for the admin endpoint: the console draws calls to the service into
     * this application.
     */
    default void serviceProvided(String service) {
    }

    /**
     * Holds the caller while the agent is starting its rule source, at most
     * {@code lanes.rules.startup.wait}; returns at once ever after. Called before an instance
     * is registered, so that it takes traffic with its rules in force.
     */
    default void awaitRules() {
    }

    /**
     * The warm-up window of the rules in force, in milliseconds; 0 while warm-up is off or the
     * rules are in dry run. A Dubbo provider publishes it as Dubbo's own {@code warmup}, so that
     * Dubbo's warm-up never outlasts the Lanes one.
     */
    default long warmupWindowMillis() {
        return 0L;
    }

    /** This application's name, from {@code lanes.app} or a framework; null while unknown. */
    default String applicationName() {
        return null;
    }

    /**
     * Whether a tag and carried headers that {@code request} brings may be honoured here (DESIGN
     * row 10): always behind the entry; at an entry (a gateway, or an application the rules name)
     * only from a source the rules trust. {@link #inbound} applies it to the tag itself; plugins
     * ask it before they carry the request's headers.
     */
    default boolean trusted(RequestView request) {
        return true;
    }

    /**
     * Tells the engine that this application is an entry by its nature (a gateway found its
     * filter chain being built): from then on it trusts a tag only from the sources the rules
     * name. {@code what} names the framework, for the log.
     */
    default void entryFound(String what) {
    }

    /**
     * The lower-case name of the header by which the access layer proves it is trusted (the
     * rules' {@code entry.trust.secret.header}), which an entry removes before it forwards a
     * request; null when the rules name none.
     */
    default String trustHeader() {
        return null;
    }

    /**
     * Where the OpenTelemetry Java agent runs: makes its current baggage carry {@code tag} (the
     * request's decided tag; null removes it) as member {@code lanes.tag} until the returned scope
     * is closed, on the same thread, when the request's entry ends; so that the {@code baggage}
     * header the agent writes on outbound calls says the same as Lanes. Null when there is
     * nothing to change or no such agent.
     */
    default AutoCloseable laneInTraceBaggage(String tag) {
        return null;
    }

    /**
     * The reactive form of {@link #laneInTraceBaggage}, for a request proxied by a Reactor
     * pipeline (a WebFlux gateway): returns {@code publisher} (a {@code reactor.core.publisher.Mono})
     * set to run with the OpenTelemetry Java agent's context whose baggage says {@code tag} (null
     * removes the member), when that baggage carried another {@code lanes.tag}; otherwise
     * {@code publisher} itself. The agent's HTTP client takes its baggage from that context, so
     * a lane the gateway dropped or replaced does not travel on in the {@code baggage} header.
     */
    default Object laneInReactiveTraceBaggage(Object publisher, String tag) {
        return publisher;
    }

    /**
     * For a server span that starts after {@link #inbound} decided (see
     * {@link RequestView#laneForLaterSpan}), called once that span is current: puts the attributes
     * {@code lanes.tag} and {@code lanes.dyed_by} on it (when {@code dyedBy} is not null), and
     * makes the OpenTelemetry Java agent's baggage say {@code tag} as {@link #laneInTraceBaggage}
     * does. Returns the scope to close, on the same thread, when the request's part of the chain
     * ends; null when there is nothing to close. Costs a volatile read or two without OpenTelemetry.
     *
     * @param tag     the request's decided tag, null for base traffic
     * @param dyedBy  how it was decided, as {@code laneForLaterSpan} was told; null: no attributes
     * @param request the plugin's view of the request (its class loader sees the application's libraries)
     */
    default AutoCloseable laneOnServerSpan(String tag, String dyedBy, RequestView request) {
        return null;
    }
}
