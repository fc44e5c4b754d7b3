package dev.lanes.testing;

import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameContains;
import static net.bytebuddy.matcher.ElementMatchers.nameEndsWith;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.none;
import static net.bytebuddy.matcher.ElementMatchers.not;

import dev.lanes.core.plugin.LanesPlugin;
import dev.lanes.core.plugin.Support;
import dev.lanes.core.plugin.TypeInstrumentation;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;
import net.bytebuddy.pool.TypePool;

/**
 * Installs a plugin's type instrumentations into the test's own JVM, the way the agent does:
 * advice-only retransformation, advice classes read as bytes, the plugin's support check per
 * class loader. Each plugin is installed once per JVM and stays installed.
 */
public final class InstrumentationHarness {

    private static final Map<String, Installed> INSTALLED = new ConcurrentHashMap<>();

    private InstrumentationHarness() {
    }

    /** Installs {@code plugin} (once per JVM) and returns what it transformed so far. */
    public static synchronized Installed install(LanesPlugin plugin) {
        Installed installed = INSTALLED.get(plugin.name());
        if (installed != null) {
            return installed;
        }
        Installed result = new Installed();
        Instrumentation instrumentation = ByteBuddyAgent.install();
        ClassFileLocator locator = ClassFileLocator.ForClassLoader.of(plugin.getClass().getClassLoader());
        TypePool pool = TypePool.Default.of(locator);
        Map<ClassLoader, Support> verdicts = new ConcurrentHashMap<>();
        Support[] bootstrapVerdict = new Support[1];

        // Synthetic methods are not ignored: some advice targets the body of a lambda.
        AgentBuilder builder = new AgentBuilder.Default(new ByteBuddy().ignore(none()))
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(AgentBuilder.TypeStrategy.Default.REDEFINE)
                // Type descriptions are cached across transformations: the super-type matchers
                // would otherwise parse the same class files again for every class loaded.
                .with(new AgentBuilder.PoolStrategy.WithTypePoolCache.Simple(
                        TypePool.Default.ReaderMode.FAST, new ConcurrentHashMap<>()))
                // The agent's own classes are never transformed; a test's classes (application code
                // standing in for the user's) are.
                .ignore(nameStartsWith("net.bytebuddy.").or(isSynthetic())
                        .or(nameStartsWith("dev.lanes.").and(not(nameEndsWith("Test")).and(not(nameContains("Test$"))))))
                .with(result.listener());
        for (TypeInstrumentation instrumentationOfType : plugin.typeInstrumentations()) {
            builder = builder
                    .type(instrumentationOfType.typeMatcher(), loader -> {
                        Support verdict;
                        if (loader == null) {
                            if (bootstrapVerdict[0] == null) {
                                bootstrapVerdict[0] = plugin.support(null);
                            }
                            verdict = bootstrapVerdict[0];
                        } else {
                            verdict = verdicts.computeIfAbsent(loader, plugin::support);
                        }
                        result.verdicts.add(verdict.isSupported() ? "supported" : verdict.reason());
                        return verdict.isSupported();
                    })
                    .transform((typeBuilder, type, loader, module, domain) -> {
                        List<DynamicType.Builder<?>> current = new ArrayList<>(List.of(typeBuilder));
                        instrumentationOfType.transform((methods, adviceClassName) -> {
                            TypeDescription advice = pool.describe(adviceClassName).resolve();
                            current.set(0, current.get(0).visit(Advice.to(advice, locator).on(methods)));
                        });
                        return current.get(0);
                    });
        }
        result.transformer = builder.installOn(instrumentation);
        INSTALLED.put(plugin.name(), result);
        return result;
    }

    /** What an installation transformed, and what went wrong. */
    public static final class Installed {
        final List<String> transformed = new CopyOnWriteArrayList<>();
        final List<String> errors = new CopyOnWriteArrayList<>();
        final List<String> verdicts = new CopyOnWriteArrayList<>();
        Object transformer;

        /** Names of the types transformed so far. */
        public List<String> transformed() {
            return Collections.unmodifiableList(transformed);
        }

        /** Transformation errors so far, with the type and the cause. */
        public List<String> errors() {
            return Collections.unmodifiableList(errors);
        }

        /** The support verdicts given so far ("supported" or the reason why not). */
        public List<String> verdicts() {
            return Collections.unmodifiableList(verdicts);
        }

        /** Fails if any transformation failed so far. */
        public void assertNoErrors() {
            if (!errors.isEmpty()) {
                throw new AssertionError("transformation errors: " + errors);
            }
        }

        /** Fails unless {@code typeName} was transformed without error. */
        public void assertTransformed(String typeName) {
            if (!errors.isEmpty()) {
                throw new AssertionError("transformation errors: " + errors);
            }
            if (!transformed.contains(typeName)) {
                throw new AssertionError(typeName + " was not transformed; transformed: " + transformed);
            }
        }

        AgentBuilder.Listener listener() {
            return new AgentBuilder.Listener.Adapter() {
                @Override
                public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module,
                                             boolean loaded, DynamicType dynamicType) {
                    transformed.add(type.getName());
                }

                @Override
                public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded,
                                    Throwable throwable) {
                    errors.add(typeName + ": " + throwable);
                }
            };
        }
    }
}
