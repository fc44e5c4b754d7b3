package example.concurrent;

/** A plugin helper: defined in an application class loader only by the agent's injection. */
public final class Helper {

    private Helper() {
    }

    public static String mark(String value) {
        return value + "+helper";
    }
}
