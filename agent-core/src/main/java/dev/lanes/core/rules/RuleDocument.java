package dev.lanes.core.rules;

/**
 * One rule document as a source delivers it: its text, where it came from, and whether it is
 * the global document shared by every application or the one of this application, which takes
 * precedence (see docs/rule-centers.md).
 */
public final class RuleDocument {

    /** The place of a document in the merge. */
    public enum Role {
        /** Shared by every application; the application's document overrides it. */
        GLOBAL,
        /** This application's own document. */
        APPLICATION;

        /** "global" or "application", as written in the cache file and the CLI. */
        public String label() {
            return this == GLOBAL ? "global" : "application";
        }

        /** The role named by {@link #label()}, or null. */
        public static Role of(String label) {
            for (Role r : values()) {
                if (r.label().equals(label)) {
                    return r;
                }
            }
            return null;
        }
    }

    private final Role role;
    private final String origin;
    private final String text;

    /**
     * @param origin where exactly the text came from, such as "nacos:DEFAULT_GROUP/lanes-rules.yaml"
     * @param text   the document; null counts as empty
     */
    public RuleDocument(Role role, String origin, String text) {
        if (role == null || origin == null) {
            throw new IllegalArgumentException("a rule document needs a role and an origin");
        }
        this.role = role;
        this.origin = origin;
        this.text = text == null ? "" : text;
    }

    public Role role() {
        return role;
    }

    public String origin() {
        return origin;
    }

    public String text() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RuleDocument)) {
            return false;
        }
        RuleDocument d = (RuleDocument) o;
        return role == d.role && origin.equals(d.origin) && text.equals(d.text);
    }

    @Override
    public int hashCode() {
        return (role.hashCode() * 31 + origin.hashCode()) * 31 + text.hashCode();
    }

    @Override
    public String toString() {
        return role.label() + " document " + origin;
    }
}
