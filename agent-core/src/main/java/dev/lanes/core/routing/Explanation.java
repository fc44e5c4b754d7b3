package dev.lanes.core.routing;

import dev.lanes.core.rules.RouteRule;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@link LaneRouter} notes while it decides one call for {@link LaneRouter#explain}: null
 * on the routing path, so that explaining takes the same steps and costs routing nothing.
 */
final class Explanation {

    /** The destination a route takes when it applies, by index, or -1 to draw one by weight. */
    final int destination;
    final List<RouteDecision.RouteCheck> routes = new ArrayList<RouteDecision.RouteCheck>();
    String routeDestinations;
    int destinationCount;
    /** The tag the call is routed to, null for base. */
    String target;
    RouteDecision.TagSource source = RouteDecision.TagSource.NONE;
    RouteDecision.Outcome outcome = RouteDecision.Outcome.ROUTED;
    String failure;
    /** The selection before outlier ejection (null = every candidate), and its size. */
    int[] beforeEjection;
    int beforeCount;
    /** Instances left in although ejected: too few would have remained (panic threshold). */
    boolean panic;

    Explanation(int destination) {
        this.destination = destination;
    }

    void route(int index, String service, RouteRule route, String mismatch) {
        routes.add(new RouteDecision.RouteCheck(name(index, service, route), route.match().describe(),
                RouteDecision.destinations(route), mismatch, true));
        if (mismatch == null) {
            routeDestinations = RouteDecision.destinations(route);
            destinationCount = route.to().size();
        }
    }

    void notChecked(int index, String service, RouteRule route) {
        routes.add(new RouteDecision.RouteCheck(name(index, service, route), route.match().describe(),
                RouteDecision.destinations(route), null, false));
    }

    void selectedBeforeEjection(int[] selected, int count) {
        beforeEjection = selected == null ? null : selected.clone();
        beforeCount = count;
    }

    /** Why one candidate is eligible or not, from what the engine noted. */
    String reason(String tag, boolean eligible, boolean beforeEjection) {
        if (eligible) {
            String because;
            switch (outcome) {
                case FALLBACK_BASE:
                    because = "base instance; the service has no instance of lane " + target + " up (fallback: base)";
                    break;
                case FALLBACK_ANY:
                    because = "the service has no instance of " + (target == null ? "base" : "lane " + target + " nor base")
                            + " up: any instance (fallback)";
                    break;
                default:
                    because = target == null ? "base instance" : "in lane " + target;
            }
            return panic ? because + " (some are ejected, but too few would remain: panic threshold)" : because;
        }
        if (outcome == RouteDecision.Outcome.STRICT_FAILURE) {
            return (tag == null ? "base instance" : "tag " + tag) + ": not lane " + target + ", which has fallback: none";
        }
        if (beforeEjection) {
            return "ejected by outlier detection";
        }
        if (target == null || outcome == RouteDecision.Outcome.FALLBACK_BASE) {
            return "tagged " + tag + (target == null ? ": the call goes to base instances"
                    : ": another lane; the call falls back to base");
        }
        return tag == null ? "base instance: lane " + target + " has instances up" : "tagged " + tag + ": another lane";
    }
    private static String name(int index, String service, RouteRule route) {
        return "route " + (route.name() == null ? "#" + (index + 1) + " for " + service : "'" + route.name() + "'");
    }
}
