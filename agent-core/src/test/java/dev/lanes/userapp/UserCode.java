package dev.lanes.userapp;

/** An application's class that happens to live under the agent's top-level package. */
public class UserCode {
    public String value() {
        return "UserCode";
    }
}
