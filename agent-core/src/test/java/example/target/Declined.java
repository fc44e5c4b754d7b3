package example.target;

/** A class outside the agent's namespace for in-process instrumentation tests. */
public final class Declined {
    public String value() {
        return "Declined";
    }
}
