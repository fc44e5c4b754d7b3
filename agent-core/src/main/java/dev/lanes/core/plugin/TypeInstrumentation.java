package dev.lanes.core.plugin;

import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The instrumentation of one intercepted type. Implementations name their target by string
 * and import nothing from the framework; advice classes are nested static classes whose
 * methods use {@code suppress = Throwable.class} and call a plain helper.
 */
public interface TypeInstrumentation {

    /** The types to transform, by name (or by a named super type). */
    ElementMatcher<TypeDescription> typeMatcher();

    /** Registers advice on methods of a matched type. */
    void transform(AdviceTarget target);
}
