package dev.lanes.core.plugin;

import dev.lanes.bridge.AgentFaults;
import example.hierarchy.NotWatched;
import example.hierarchy.WatchedDeep;
import example.instrumented.Advised;
import example.instrumented.Declined;
import example.instrumented.Switched;
import example.instrumented.Throwing;
import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The installer against real classes in this JVM: advice applied where the plugin is on and
 * its framework fits, nowhere else, and faults of plugins and advice contained.
 */
class PluginInstallerTest {

    private static List<PluginStatus> statuses;
    private static PluginContext context;

    @BeforeAll
    static void install() {
        Instrumentation inst = ByteBuddyAgent.install();
        ClassLoader loader = PluginInstallerTest.class.getClassLoader();
        context = new PluginContext() {
            @Override
            public String applicationName() {
                return "test";
            }

            @Override
            public String instanceTag() {
                return null;
            }

            @Override
            public long startMillis() {
                return 0;
            }

            @Override
            public String setting(String key) {
                return null;
            }
        };
        Map<String, Boolean> switches = new HashMap<>();
        switches.put("switched-off", false);
        PluginInstaller installer = new PluginInstaller(inst, loader, context,
                name -> switches.getOrDefault(name, true));
        statuses = installer.install(List.of(
                new TestPlugin("advising", "example.instrumented.Advised", AppendAdvice.class, Support.SUPPORTED),
                new TestPlugin("switched-off", "example.instrumented.Switched", AppendAdvice.class, Support.SUPPORTED),
                new TestPlugin("throwing-advice", "example.instrumented.Throwing", ThrowingAdvice.class, Support.SUPPORTED),
                new TestPlugin("declining", "example.instrumented.Declined", AppendAdvice.class,
                        Support.unsupported("framework 0.1 is not supported (needs 1.x)")),
                new TestPlugin("hierarchy", SuperTypes.named("example.hierarchy.Watched").and(not(isInterface())),
                        AppendAdvice.class, Support.SUPPORTED),
                new FailingPlugin(),
                new TestPlugin("user-code", "dev.lanes.userapp.UserCode", AppendAdvice.class, Support.SUPPORTED),
                new TestPlugin("needs-absent-api", named("example.instrumented.NeedsAbsentApi"), AppendAdvice.class,
                        Support.SUPPORTED, "javax.nosuch.Filter"),
                new TestPlugin("needs-present-api", named("example.instrumented.NeedsPresentApi"), AppendAdvice.class,
                        Support.SUPPORTED, "java.util.List"),
                new HelperPlugin("missing-helper", "example.concurrent.MissingHelperTarget",
                        "example.concurrent.NoSuchHelper")));
    }

    private static PluginStatus status(String name) {
        for (PluginStatus s : statuses) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no status for " + name + " in " + statuses);
    }

    @Test
    void adviceAppliesWhereThePluginIsOnAndSupported() {
        assertEquals("Advised+advised", new Advised().value());
        assertEquals(PluginStatus.State.INSTALLED, status("advising").state());
        assertTrue(status("advising").activeLoaders() >= 1);
    }

    @Test
    void superTypeMatchingAdvisesEveryImplementationAndNothingElse() {
        assertEquals("WatchedDeep+advised", new WatchedDeep().value());
        assertEquals("NotWatched", new NotWatched().value());
        // Advised, Throwing and WatchedDeep at least, each counted by the listener.
        long transformed = (Long) AgentTimings.instance().toMap().get("classesTransformed");
        assertTrue(transformed >= 3, "transformed " + transformed);
    }

    @Test
    void applicationCodeUnderTheAgentsTopLevelPackageIsNotIgnored() {
        assertEquals("UserCode+advised", new dev.lanes.userapp.UserCode().value());
        assertTrue(PluginInstaller.ignored().matches(TypeDescription.ForLoadedType.of(PluginInstaller.class)),
                "the agent's own packages are");
    }

    @Test
    void aTypeWhoseLoaderLacksTheRequiredClassIsLeftAlone() {
        long faults = dev.lanes.bridge.AgentFaults.total();
        assertEquals("NeedsAbsentApi", new example.instrumented.NeedsAbsentApi().value());
        assertEquals("NeedsPresentApi+advised", new example.instrumented.NeedsPresentApi().value());
        assertEquals(faults, dev.lanes.bridge.AgentFaults.total(), "left alone, not a fault");
    }

    @Test
    void switchedOffPluginDoesNothing() {
        assertEquals("Switched", new Switched().value());
        assertEquals(PluginStatus.State.DISABLED, status("switched-off").state());
    }

    @Test
    void unsupportedFrameworkLeavesTypesAloneAndSaysWhy() {
        assertEquals("Declined", new Declined().value());
        assertEquals(List.of("framework 0.1 is not supported (needs 1.x)"), status("declining").unsupportedReasons());
    }

    @Test
    void throwingAdviceIsCountedAndTheMethodRunsUntouched() {
        long before = AgentFaults.total();
        assertEquals("Throwing", new Throwing().value());
        assertEquals("Throwing", new Throwing().value());
        assertEquals(before + 2, AgentFaults.total());
        assertTrue(AgentFaults.byPlace().containsKey("advice:example.instrumented.Throwing.value"),
                AgentFaults.byPlace().toString());
    }

    @Test
    void pluginThatThrowsAtStartIsMarkedFailed() {
        PluginStatus failed = status("fails-at-start");
        assertEquals(PluginStatus.State.FAILED, failed.state());
        assertTrue(failed.detail().contains("start failed"), failed.detail());
    }

    @Test
    void typesOfOneLoaderTransformedFromManyThreadsAtOnceAllFindTheirHelpers() throws Exception {
        // The agent reads the helper's bytes only once every thread has reached its type's
        // transformation: it is reading the helper too, or it is done. An installer that let a
        // thread advise its type while another one still defines the helper shows here as a
        // thread done without the helper; the correct one holds every thread at the read.
        int n = example.concurrent.Targets.COUNT;
        Arrivals readingOrDone = new Arrivals();
        ClassLoader slowAgentLoader = new ClassLoader(PluginInstallerTest.class.getClassLoader()) {
            @Override
            public InputStream getResourceAsStream(String name) {
                if (name.endsWith("/Helper.class")) {
                    readingOrDone.arrive();
                    readingOrDone.awaitAtLeast(n);
                }
                return super.getResourceAsStream(name);
            }
        };
        List<PluginStatus> helpers = new PluginInstaller(ByteBuddyAgent.install(), slowAgentLoader, context,
                name -> true).install(List.of(
                        new HelperPlugin("helpers", "example.concurrent.Target", "example.concurrent.Helper")));
        ClassLoader loader = new IsolatedLoader();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(n);
        try {
            List<Future<String>> values = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String name = "example.concurrent.Target" + i;
                values.add(threads.submit(() -> {
                    start.await();
                    try {
                        Class<?> type = Class.forName(name, true, loader);
                        return call(type);
                    } finally {
                        readingOrDone.arrive();
                    }
                }));
            }
            start.countDown();
            for (int i = 0; i < n; i++) {
                assertEquals("Target" + i + "+helper", values.get(i).get(30, TimeUnit.SECONDS),
                        "advised, and the helper was there when the advice first ran");
            }
        } finally {
            threads.shutdownNow();
        }
        assertEquals(List.of(), helpers.get(0).helperFailures());
    }

    @Test
    void aLoaderWhereTheHelpersCannotBeDefinedIsDeclinedAndReported() throws Exception {
        ClassLoader loader = new IsolatedLoader();
        Class<?> type = Class.forName("example.concurrent.MissingHelperTarget", true, loader);
        assertEquals("MissingHelperTarget", call(type),
                "the type is left as it is, never advised without its helpers");
        List<String> failures = status("missing-helper").helperFailures();
        assertEquals(1, failures.size(), failures.toString());
        assertTrue(failures.get(0).contains("example.concurrent.NoSuchHelper"), failures.get(0));
        assertEquals(PluginStatus.State.INSTALLED, status("missing-helper").state(),
                "other class loaders are not affected");
    }

    /** Threads that have come to a point, counted; others wait there until enough have. */
    private static final class Arrivals {
        private int count;

        synchronized void arrive() {
            count++;
            notifyAll();
        }

        /**
         * Waits until {@code target} threads have arrived; after 10 s it goes on regardless, so
         * that an installer that makes the other threads wait for the helper is slow, not stuck.
         */
        synchronized void awaitAtLeast(int target) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            long left;
            while (count < target && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** {@code new T().value()} of a package-private type. */
    private static String call(Class<?> type) throws Exception {
        java.lang.reflect.Constructor<?> create = type.getDeclaredConstructor();
        create.setAccessible(true);
        Method value = type.getMethod("value");
        value.setAccessible(true);
        return (String) value.invoke(create.newInstance());
    }

    /**
     * An application class loader that defines only the {@code example.concurrent} targets, so
     * their helper exists there only if the agent defines it. Parallel capable, as Spring Boot's is.
     */
    private static final class IsolatedLoader extends ClassLoader {
        static {
            registerAsParallelCapable();
        }

        IsolatedLoader() {
            super(ClassLoader.getPlatformClassLoader());
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            if (!name.startsWith("example.concurrent.") || name.endsWith("Helper")) {
                throw new ClassNotFoundException(name);
            }
            try (InputStream in = PluginInstallerTest.class.getClassLoader()
                    .getResourceAsStream(name.replace('.', '/') + ".class")) {
                if (in == null) {
                    throw new ClassNotFoundException(name);
                }
                byte[] bytes = in.readAllBytes();
                return defineClass(name, bytes, 0, bytes.length);
            } catch (IOException e) {
                throw new ClassNotFoundException(name, e);
            }
        }
    }

    /** Marks the return value through a helper class. */
    public static final class HelperAdvice {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Return(readOnly = false) String value) {
            value = example.concurrent.Helper.mark(value);
        }
    }

    /** A plugin whose advice needs a helper class defined in the application's loader. */
    private static final class HelperPlugin implements LanesPlugin {
        private final String name;
        private final String targetPrefix;
        private final String helper;

        HelperPlugin(String name, String targetPrefix, String helper) {
            this.name = name;
            this.targetPrefix = targetPrefix;
            this.helper = helper;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Support support(ClassLoader loader) {
            return Support.SUPPORTED;
        }

        @Override
        public List<String> helperClassNames() {
            return List.of(helper);
        }

        @Override
        public List<TypeInstrumentation> typeInstrumentations() {
            return Collections.singletonList(new TypeInstrumentation() {
                @Override
                public ElementMatcher<TypeDescription> typeMatcher() {
                    return net.bytebuddy.matcher.ElementMatchers.nameStartsWith(targetPrefix);
                }

                @Override
                public void transform(AdviceTarget t) {
                    t.applyAdvice(named("value"), HelperAdvice.class.getName());
                }
            });
        }
    }

    /** Appends "+advised" to the return value. */
    public static final class AppendAdvice {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Return(readOnly = false) String value) {
            value = value + "+advised";
        }
    }

    /** Always throws. */
    public static final class ThrowingAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter() {
            throw new IllegalStateException("advice fails on purpose");
        }
    }

    private static final class TestPlugin implements LanesPlugin {
        private final String name;
        private final ElementMatcher<TypeDescription> target;
        private final Class<?> advice;
        private final Support support;
        private final String requiredClass;

        TestPlugin(String name, String target, Class<?> advice, Support support) {
            this(name, named(target), advice, support);
        }

        TestPlugin(String name, ElementMatcher<TypeDescription> target, Class<?> advice, Support support) {
            this(name, target, advice, support, null);
        }

        TestPlugin(String name, ElementMatcher<TypeDescription> target, Class<?> advice, Support support,
                   String requiredClass) {
            this.name = name;
            this.target = target;
            this.advice = advice;
            this.support = support;
            this.requiredClass = requiredClass;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Support support(ClassLoader loader) {
            return support;
        }

        @Override
        public List<TypeInstrumentation> typeInstrumentations() {
            return Collections.singletonList(new TypeInstrumentation() {
                @Override
                public ElementMatcher<TypeDescription> typeMatcher() {
                    return target;
                }

                @Override
                public void transform(AdviceTarget t) {
                    t.applyAdvice(named("value"), advice.getName());
                }

                @Override
                public String requiredClass() {
                    return requiredClass;
                }
            });
        }
    }

    private static final class FailingPlugin implements LanesPlugin {
        @Override
        public String name() {
            return "fails-at-start";
        }

        @Override
        public Support support(ClassLoader loader) {
            return Support.SUPPORTED;
        }

        @Override
        public List<TypeInstrumentation> typeInstrumentations() {
            return Collections.emptyList();
        }

        @Override
        public void start(PluginContext context) {
            throw new IllegalStateException("start fails on purpose");
        }
    }
}
