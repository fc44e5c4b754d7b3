package example.hierarchy;

/** The watched type of the super-type matching tests. */
public interface Watched {
    String value();
}
