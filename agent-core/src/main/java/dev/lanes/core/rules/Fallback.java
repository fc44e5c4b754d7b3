package dev.lanes.core.rules;

/** What a lane does at a service that has no instance of it up. */
public enum Fallback {
    /** Go to base instances and keep the tag (the default). */
    BASE,
    /** Fail the call at once: a strict lane. */
    NONE
}
