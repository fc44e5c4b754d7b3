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

    /**
     * A class that the advised methods' signatures need and that must be visible from the
     * matched type's class loader, by name; null when none. A type whose class file names a
     * super type that its loader cannot see (a servlet filter of spring-web in a WebFlux
     * application without the servlet API) is then left alone, instead of failing to transform.
     */
    default String requiredClass() {
        return null;
    }
}
