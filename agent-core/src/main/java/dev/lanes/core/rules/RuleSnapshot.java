package dev.lanes.core.rules;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One validated rule document, immutable. The engine reads the current snapshot through a
 * single volatile reference, so every request sees one whole snapshot, never a mix.
 */
public final class RuleSnapshot {

    /** No rules: tagging instances is enough for lanes, fallback and dyeing. */
    public static final RuleSnapshot EMPTY = new RuleSnapshot("none", "none", 0L,
            Collections.<LaneRule>emptyList(), Collections.<RouteRule>emptyList(),
            WarmupSettings.OFF, OutlierSettings.OFF, LosslessSettings.DEFAULT, false);

    private static final List<RouteRule> NO_ROUTES = Collections.emptyList();

    private final String version;
    private final String source;
    private final long loadedAtMillis;
    private final List<LaneRule> lanes;
    private final Map<String, LaneRule> lanesByTag;
    private final List<RouteRule> routes;
    private final Map<String, List<RouteRule>> routesByService;
    private final WarmupSettings warmup;
    private final OutlierSettings outlier;
    private final LosslessSettings lossless;
    private final boolean dryRun;
    private final List<String> propagate;
    private final EntryTrust entry;

    public RuleSnapshot(String version, String source, long loadedAtMillis, List<LaneRule> lanes,
                        List<RouteRule> routes, WarmupSettings warmup, OutlierSettings outlier,
                        LosslessSettings lossless, boolean dryRun) {
        this(version, source, loadedAtMillis, lanes, routes, warmup, outlier, lossless, dryRun,
                Collections.<String>emptyList());
    }

    /** @param propagate the lower-case names of the headers carried down the call chain */
    public RuleSnapshot(String version, String source, long loadedAtMillis, List<LaneRule> lanes,
                        List<RouteRule> routes, WarmupSettings warmup, OutlierSettings outlier,
                        LosslessSettings lossless, boolean dryRun, List<String> propagate) {
        this(version, source, loadedAtMillis, lanes, routes, warmup, outlier, lossless, dryRun, propagate,
                EntryTrust.NONE);
    }

    /** @param entry the trust boundary: which applications are entries and whom they trust */
    public RuleSnapshot(String version, String source, long loadedAtMillis, List<LaneRule> lanes,
                        List<RouteRule> routes, WarmupSettings warmup, OutlierSettings outlier,
                        LosslessSettings lossless, boolean dryRun, List<String> propagate, EntryTrust entry) {
        this.entry = entry == null ? EntryTrust.NONE : entry;
        this.propagate = Collections.unmodifiableList(new java.util.ArrayList<String>(propagate));
        this.version = version;
        this.source = source;
        this.loadedAtMillis = loadedAtMillis;
        this.lanes = Collections.unmodifiableList(lanes);
        Map<String, LaneRule> byTag = new HashMap<String, LaneRule>();
        for (LaneRule lane : lanes) {
            byTag.put(lane.tag(), lane);
        }
        this.lanesByTag = Collections.unmodifiableMap(byTag);
        this.routes = Collections.unmodifiableList(routes);
        Map<String, List<RouteRule>> byService = new HashMap<String, List<RouteRule>>();
        for (RouteRule route : routes) {
            List<RouteRule> list = byService.get(route.service());
            if (list == null) {
                list = new java.util.ArrayList<RouteRule>();
                byService.put(route.service(), list);
            }
            list.add(route);
        }
        for (Map.Entry<String, List<RouteRule>> e : byService.entrySet()) {
            e.setValue(Collections.unmodifiableList(e.getValue()));
        }
        this.routesByService = Collections.unmodifiableMap(byService);
        this.warmup = warmup == null ? WarmupSettings.OFF : warmup;
        this.outlier = outlier == null ? OutlierSettings.OFF : outlier;
        this.lossless = lossless == null ? LosslessSettings.DEFAULT : lossless;
        this.dryRun = dryRun;
    }

    /** The document's own version field, or a hash of its content. */
    public String version() {
        return version;
    }

    /** Where the document came from, such as "file:/etc/lanes/rules.yaml". */
    public String source() {
        return source;
    }

    public long loadedAtMillis() {
        return loadedAtMillis;
    }

    public List<LaneRule> lanes() {
        return lanes;
    }

    /** The lane of {@code tag}, or null when the rules do not name one (it still routes by tag). */
    public LaneRule lane(String tag) {
        return tag == null ? null : lanesByTag.get(tag);
    }

    public List<RouteRule> routes() {
        return routes;
    }

    /** Custom routes for calls to {@code service}, in document order; never null. */
    public List<RouteRule> routesFor(String service) {
        List<RouteRule> list = service == null ? null : routesByService.get(service);
        return list == null ? NO_ROUTES : list;
    }

    public WarmupSettings warmup() {
        return warmup;
    }

    public OutlierSettings outlier() {
        return outlier;
    }

    public LosslessSettings lossless() {
        return lossless;
    }

    /** The lower-case names of the headers carried down the call chain, in document order; never null. */
    public List<String> propagate() {
        return propagate;
    }

    /** The trust boundary at entries; {@link EntryTrust#NONE} when the rules have no {@code entry}. */
    public EntryTrust entry() {
        return entry;
    }

    /** When true, routing decisions are evaluated and counted but not enforced. */
    public boolean dryRun() {
        return dryRun;
    }
}
