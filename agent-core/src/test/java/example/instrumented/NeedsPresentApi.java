package example.instrumented;

/** A class outside the agent's namespace for in-process instrumentation tests. */
public final class NeedsPresentApi {
    public String value() {
        return "NeedsPresentApi";
    }
}
