package dev.lanes.core.plugin;

/** What a plugin may ask of the agent when it starts. */
public interface PluginContext {

    /** The application name, or null when unknown. */
    String applicationName();

    /** This instance's tag, or null for a base instance. */
    String instanceTag();

    /** When this JVM started, in epoch milliseconds: published as the instance start time. */
    long startMillis();

    /** A setting, by its full key (such as "lanes.plugin.springcloud.enabled"), or null. */
    String setting(String key);
}
