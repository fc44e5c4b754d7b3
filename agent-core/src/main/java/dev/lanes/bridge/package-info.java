/**
 * The bootstrap bridge: the only Lanes classes that instrumented application code may
 * reference. They sit on the bootstrap class path, use nothing but the JDK, and stay small:
 * the traffic context, the routing facade and fail-open fault reporting.
 */
package dev.lanes.bridge;
