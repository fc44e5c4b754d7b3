package example.hierarchy;

/** Inherits {@link Watched} through another interface. */
public interface WatchedChild extends Watched, Comparable<WatchedChild> {
}
