package example.hierarchy;

import java.util.function.Supplier;

/** Three levels below {@link Watched}, with constants of every kind and a lambda in its pool. */
public final class WatchedDeep extends WatchedBase {
    private static final long serialVersionUID = 1L;

    @Override
    public String value() {
        Supplier<String> s = () -> "WatchedDeep" + (LONG_CONSTANT > 0 ? "" : "-") + (DOUBLE_CONSTANT > 1.0 ? "" : "?");
        return s.get();
    }
}
