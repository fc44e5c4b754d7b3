package example.hierarchy;

/** Has a method of the same name but inherits nothing watched. */
public final class NotWatched implements Runnable {
    public String value() {
        return "NotWatched";
    }

    @Override
    public void run() {
    }
}
