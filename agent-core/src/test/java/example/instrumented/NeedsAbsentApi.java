package example.instrumented;

/** A class outside the agent's namespace for in-process instrumentation tests. */
public final class NeedsAbsentApi {
    public String value() {
        return "NeedsAbsentApi";
    }
}
