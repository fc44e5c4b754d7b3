package example.concurrent;

/** Types of one application class loader, loaded at once from many threads. */
public final class Targets {

    /** How many target types there are. */
    public static final int COUNT = 8;

    private Targets() {
    }
}

/** A type the helper-using plugin advises. */
class Target0 {
    public String value() {
        return "Target0";
    }
}

/** A type the helper-using plugin advises. */
class Target1 {
    public String value() {
        return "Target1";
    }
}

/** A type the helper-using plugin advises. */
class Target2 {
    public String value() {
        return "Target2";
    }
}

/** A type the helper-using plugin advises. */
class Target3 {
    public String value() {
        return "Target3";
    }
}

/** A type the helper-using plugin advises. */
class Target4 {
    public String value() {
        return "Target4";
    }
}

/** A type the helper-using plugin advises. */
class Target5 {
    public String value() {
        return "Target5";
    }
}

/** A type the helper-using plugin advises. */
class Target6 {
    public String value() {
        return "Target6";
    }
}

/** A type the helper-using plugin advises. */
class Target7 {
    public String value() {
        return "Target7";
    }
}

/** A type of a plugin whose helper is missing from the agent. */
class MissingHelperTarget {
    public String value() {
        return "MissingHelperTarget";
    }
}
