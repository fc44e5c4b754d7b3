package dev.lanes.core.rules;

/** A lane: a tag, what to do where it has no instance, and optional ingress dyeing. */
public final class LaneRule {

    private final String name;
    private final String tag;
    private final Fallback fallback;
    private final EntryRule entry;

    public LaneRule(String name, String tag, Fallback fallback, EntryRule entry) {
        this.name = name;
        this.tag = tag;
        this.fallback = fallback == null ? Fallback.BASE : fallback;
        this.entry = entry;
    }

    public String name() {
        return name;
    }

    public String tag() {
        return tag;
    }

    public Fallback fallback() {
        return fallback;
    }

    /** Ingress dyeing for this lane, or null. */
    public EntryRule entry() {
        return entry;
    }
}
