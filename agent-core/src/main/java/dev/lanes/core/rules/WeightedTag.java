package dev.lanes.core.rules;

/** One destination of a custom route: a tag (null for base instances) and its weight. */
public final class WeightedTag {

    private final String tag;
    private final int weight;

    public WeightedTag(String tag, int weight) {
        this.tag = tag;
        this.weight = weight;
    }

    /** The tag to send to, or null for base instances. */
    public String tag() {
        return tag;
    }

    public int weight() {
        return weight;
    }
}
