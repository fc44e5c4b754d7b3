package dev.lanes.plugin.springcloud;

import dev.lanes.core.plugin.AdviceTarget;
import dev.lanes.core.plugin.LanesPlugin;
import dev.lanes.core.plugin.TypeInstrumentation;
import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Installs a plugin's instrumentations into this JVM the way the agent does: Byte Buddy's
 * AgentBuilder with retransformation and no class format changes, advice inlined from class
 * bytes ({@code Advice.to(TypeDescription, ClassFileLocator)}). Installed once per JVM; the
 * helpers are on the test class path, so nothing needs injecting.
 */
public final class AdviceHarness {

    /** Names of the types transformed so far. */
    public static final Set<String> TRANSFORMED = ConcurrentHashMap.newKeySet();
    /** Transformation errors, which every test that uses the harness asserts away. */
    public static final List<Throwable> ERRORS = new CopyOnWriteArrayList<>();

    private static boolean installed;

    private AdviceHarness() {
    }

    public static synchronized void install(LanesPlugin plugin) {
        if (installed) {
            return;
        }
        Instrumentation instrumentation = ByteBuddyAgent.install();
        ClassLoader loader = AdviceHarness.class.getClassLoader();
        if (!plugin.support(loader).isSupported()) {
            throw new IllegalStateException("plugin " + plugin.name() + " does not support the test class path: "
                    + plugin.support(loader).reason());
        }
        ClassFileLocator locator = ClassFileLocator.ForClassLoader.of(loader);
        TypePool pool = TypePool.Default.of(locator);
        AgentBuilder builder = new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                .with(new Recorder());
        for (TypeInstrumentation instrumentation1 : plugin.typeInstrumentations()) {
            List<Object[]> advice = new ArrayList<>();
            instrumentation1.transform(new AdviceTarget() {
                @Override
                public void applyAdvice(ElementMatcher<? super MethodDescription> methods, String adviceClassName) {
                    advice.add(new Object[] {methods, adviceClassName});
                }
            });
            builder = builder.type(instrumentation1.typeMatcher()).transform(
                    (DynamicType.Builder<?> b, TypeDescription type, ClassLoader cl, JavaModule module,
                            java.security.ProtectionDomain pd) -> {
                        DynamicType.Builder<?> result = b;
                        for (Object[] a : advice) {
                            @SuppressWarnings("unchecked")
                            ElementMatcher<? super MethodDescription> methods =
                                    (ElementMatcher<? super MethodDescription>) a[0];
                            result = result.visit(Advice.to(pool.describe((String) a[1]).resolve(), locator).on(methods));
                        }
                        return result;
                    });
        }
        builder.installOn(instrumentation);
        installed = true;
    }

    private static final class Recorder extends AgentBuilder.Listener.Adapter {
        @Override
        public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded,
                DynamicType dynamicType) {
            TRANSFORMED.add(type.getName());
        }

        @Override
        public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable error) {
            ERRORS.add(new IllegalStateException("transforming " + typeName, error));
        }
    }
}
