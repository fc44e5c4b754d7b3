package example.app;

/** The method a faulty test plugin instruments. */
public final class Greeter {

    public String greet(String name) {
        return "hello " + name;
    }
}
