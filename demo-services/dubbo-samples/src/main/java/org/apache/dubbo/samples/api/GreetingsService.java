package org.apache.dubbo.samples.api;

/**
 * The service of Dubbo's own samples, in their package: a user's interface under
 * {@code org.apache.dubbo} that Lanes must route like any other.
 */
public interface GreetingsService {

    /** Answers who served the call, for tests to follow each call to its provider. */
    String sayHi(String name);
}
