package dev.lanes.core.rules;

import java.util.Collections;
import java.util.List;

/**
 * A custom route: calls to {@code service} whose request matches go to one tag, or are split
 * among tags by weight. Applied at the caller; it wins over the lane of the traffic tag for
 * that hop.
 */
public final class RouteRule {

    private final String name;
    private final String service;
    private final Match match;
    private final List<WeightedTag> to;
    private final int totalWeight;

    public RouteRule(String name, String service, Match match, List<WeightedTag> to) {
        this.name = name;
        this.service = service;
        this.match = match == null ? Match.ANY : match;
        this.to = Collections.unmodifiableList(to);
        int total = 0;
        for (WeightedTag t : to) {
            total += t.weight();
        }
        this.totalWeight = total;
    }

    public String name() {
        return name;
    }

    public String service() {
        return service;
    }

    public Match match() {
        return match;
    }

    public List<WeightedTag> to() {
        return to;
    }

    public int totalWeight() {
        return totalWeight;
    }
}
