package example.app;

/** An application whose main method returns at once, as a batch job's does: its JVM must then exit. */
public final class ReturningApp {

    private ReturningApp() {
    }

    public static void main(String[] args) {
        System.out.println("DONE " + new Greeter().greet("lanes"));
    }
}
