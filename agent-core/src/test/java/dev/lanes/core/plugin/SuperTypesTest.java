package dev.lanes.core.plugin;

import example.hierarchy.NotWatched;
import example.hierarchy.WatchedDeep;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "Is or inherits N" from class file headers with a per-loader memo, and from type descriptions
 * without one: the same verdicts as Byte Buddy's own hasSuperType.
 */
class SuperTypesTest {

    private static final ElementMatcher<TypeDescription> WATCHED = SuperTypes.named("example.hierarchy.Watched");
    private static final ElementMatcher<TypeDescription> SERIALIZABLE = SuperTypes.named("java.io.Serializable");
    private final ClassLoader loader = SuperTypesTest.class.getClassLoader();
    private final TypePool pool = TypePool.Default.of(ClassFileLocator.ForClassLoader.of(loader));

    @AfterEach
    void forget() {
        TypeCaches.instance().clear();
        SuperTypes.loaded();
    }

    @Test
    void withoutALoaderTheWalkReadsDescriptions() {
        assertTrue(WATCHED.matches(TypeDescription.ForLoadedType.of(WatchedDeep.class)));
        assertTrue(WATCHED.matches(TypeDescription.ForLoadedType.of(example.hierarchy.Watched.class)));
        assertFalse(WATCHED.matches(TypeDescription.ForLoadedType.of(NotWatched.class)));
        assertTrue(SERIALIZABLE.matches(TypeDescription.ForLoadedType.of(WatchedDeep.class)));
    }

    @Test
    void inALoaderTheHeadersAndTheMemoGiveTheSameVerdicts() throws IOException {
        assertTrue(matchAsLoaded(WATCHED, WatchedDeep.class));
        assertFalse(matchAsLoaded(WATCHED, NotWatched.class));
        // The JDK's own types are never read: java.io.Serializable is watched, so it is.
        assertTrue(matchAsLoaded(SERIALIZABLE, WatchedDeep.class));
        int verdicts = TypeCaches.instance().sizes()[1];
        assertTrue(verdicts >= 4, "verdicts memoised: " + verdicts);
        // A second ask is answered from the memo, with no class file at hand at all.
        SuperTypes.loaded();
        assertTrue(SuperTypes.matchIn(loader, WATCHED, pool.describe(WatchedDeep.class.getName()).resolve()));
    }

    @Test
    void aSuperTypeMissingFromTheClassPathMatchesNothingAndIsNotMemoised() throws IOException {
        // A loader that cannot see example.hierarchy.WatchedBase, the super class of WatchedDeep.
        ClassLoader blind = new ClassLoader(null) {
        };
        byte[] bytes = ClassHeaderTest.bytes(WatchedDeep.class);
        TypePool blindPool = TypePool.Default.of(new ClassFileLocator.Compound(
                ClassFileLocator.Simple.of(WatchedDeep.class.getName(), bytes), ClassFileLocator.ForClassLoader.of(blind)));
        TypeDescription deep = blindPool.describe(WatchedDeep.class.getName()).resolve();
        SuperTypes.loading(WatchedDeep.class.getName(), bytes);
        assertFalse(SuperTypes.matchIn(blind, WATCHED, deep));
        assertEquals(null, TypeCaches.instance().forLoader(blind).verdict(WatchedDeep.class.getName()));
    }

    @Test
    void declaringRulesOutTypesThatDoNotDeclareTheMethod() throws IOException {
        ElementMatcher<TypeDescription> value = SuperTypes.declaring("example.hierarchy.Watched", "value");
        ElementMatcher<TypeDescription> other = SuperTypes.declaring("example.hierarchy.Watched", "compareTo");
        // From the constant pool of the class being loaded...
        assertTrue(matchAsLoaded(value, WatchedDeep.class));
        assertFalse(matchAsLoaded(other, WatchedDeep.class), "WatchedDeep inherits compareTo, declares none");
        assertFalse(matchAsLoaded(value, NotWatched.class), "declares value() but inherits nothing watched");
        // ...and from parsed descriptions outside the agent...
        assertTrue(value.matches(pool.describe(WatchedDeep.class.getName()).resolve()));
        assertFalse(other.matches(pool.describe(WatchedDeep.class.getName()).resolve()));
        assertTrue(other.matches(pool.describe(example.hierarchy.WatchedBase.class.getName()).resolve()));
        // ...but never by reflection on a loaded class (it would load the signatures' types).
        assertTrue(other.matches(TypeDescription.ForLoadedType.of(WatchedDeep.class)), "left to the hierarchy");
    }

    @Test
    void cachesAreBoundedAndCleared() {
        TypeCaches.Descriptions descriptions = TypeCaches.instance().forLoader(loader).descriptions;
        for (int i = 0; i < TypeCaches.MAX_DESCRIPTIONS + 100; i++) {
            descriptions.register("example.T" + i, new TypePool.Resolution.Illegal("example.T" + i));
        }
        assertEquals(TypeCaches.MAX_DESCRIPTIONS, descriptions.size());
        assertTrue(descriptions.find("example.T0") == null, "the least recently used went first");
        TypeCaches.instance().clear();
        assertEquals(0, TypeCaches.instance().sizes()[0]);
    }

    private boolean matchAsLoaded(ElementMatcher<TypeDescription> matcher, Class<?> type) throws IOException {
        SuperTypes.loading(type.getName(), ClassHeaderTest.bytes(type));
        try {
            return SuperTypes.matchIn(loader, matcher, pool.describe(type.getName()).resolve());
        } finally {
            SuperTypes.loaded();
        }
    }
}
