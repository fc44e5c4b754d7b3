/**
 * The launcher: the agent's entry points. JDK only; it puts the agent jar on the bootstrap
 * class path (for the bridge), opens the isolated agent class loader and hands over to the
 * core, catching every {@link java.lang.Throwable} on the way.
 */
package dev.lanes.launcher;
