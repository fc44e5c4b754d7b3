package dev.lanes.core.plugin;

import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/** Receives the advice a {@link TypeInstrumentation} applies to the methods of its type. */
public interface AdviceTarget {

    /**
     * Inlines the advice class named {@code adviceClassName} (a nested static class of the
     * instrumentation, read as bytes, never loaded into the application) into every method
     * that {@code methods} matches.
     */
    void applyAdvice(ElementMatcher<? super MethodDescription> methods, String adviceClassName);
}
