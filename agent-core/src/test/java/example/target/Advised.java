package example.target;

/** A class outside the agent's namespace for in-process instrumentation tests. */
public final class Advised {
    public String value() {
        return "Advised";
    }
}
