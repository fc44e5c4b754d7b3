package example.hierarchy;

/** An abstract class between the watched interface and the concrete one. */
public abstract class WatchedBase implements java.io.Serializable, WatchedChild {
    private static final long serialVersionUID = 1L;
    static final long LONG_CONSTANT = 1234567890123L;
    static final double DOUBLE_CONSTANT = 3.25;

    @Override
    public int compareTo(WatchedChild other) {
        return value().compareTo(other.value());
    }
}
