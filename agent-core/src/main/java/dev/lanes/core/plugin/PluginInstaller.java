package dev.lanes.core.plugin;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.AgentLog;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.bytecode.StackManipulation;
import net.bytebuddy.implementation.bytecode.member.MethodInvocation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;

import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.WeakHashMap;

import static net.bytebuddy.matcher.ElementMatchers.nameContains;
import static net.bytebuddy.matcher.ElementMatchers.none;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;

/**
 * Finds the plugins, starts the enabled ones and turns their type instrumentations into one
 * Byte Buddy agent. Every step is guarded: a plugin that fails to load, start or install is
 * marked failed and logged once; the others, and the application, carry on.
 */
public final class PluginInstaller {

    private final Instrumentation instrumentation;
    private final ClassLoader pluginLoader;
    private final PluginContext context;
    private final PluginSwitch pluginSwitch;
    private final List<PluginStatus> statuses = new ArrayList<PluginStatus>();

    /** Whether a plugin is switched on. */
    public interface PluginSwitch {
        boolean enabled(String plugin);

        /** Told the names of every plugin there is, before any is installed. */
        default void pluginsFound(List<String> names) {
        }
    }

    public PluginInstaller(Instrumentation instrumentation, ClassLoader pluginLoader, PluginContext context,
                           PluginSwitch pluginSwitch) {
        this.instrumentation = instrumentation;
        this.pluginLoader = pluginLoader;
        this.context = context;
        this.pluginSwitch = pluginSwitch;
    }

    /** Loads, starts and installs every plugin visible to the plugin loader. */
    public List<PluginStatus> installAll() {
        return install(discover());
    }

    /** Starts and installs the given plugins. */
    List<PluginStatus> install(List<LanesPlugin> plugins) {
        List<String> names = new ArrayList<String>();
        for (LanesPlugin plugin : plugins) {
            names.add(safeName(plugin));
        }
        pluginSwitch.pluginsFound(names);
        HelperInjector injector = HelperInjector.create(instrumentation);
        AgentBuilder builder = baseBuilder();
        int transformations = 0;
        for (LanesPlugin plugin : plugins) {
            String name = safeName(plugin);
            if (!pluginSwitch.enabled(name)) {
                statuses.add(new PluginStatus(name, PluginStatus.State.DISABLED, "switched off by lanes.plugin."
                        + name + ".enabled=false"));
                AgentLog.info("plugin " + name + " is switched off");
                continue;
            }
            PluginStatus status = new PluginStatus(name, PluginStatus.State.INSTALLED, null);
            statuses.add(status);
            try {
                plugin.start(context);
                List<TypeInstrumentation> instrumentations = plugin.typeInstrumentations();
                LoaderSupport support = new LoaderSupport(plugin, status, injector, pluginLoader);
                for (TypeInstrumentation ti : instrumentations) {
                    AdviceCollector advice = new AdviceCollector();
                    ti.transform(advice);
                    AgentBuilder.Transformer.ForAdvice forAdvice = new AgentBuilder.Transformer.ForAdvice()
                            .include(pluginLoader)
                            .withExceptionHandler(new Advice.ExceptionHandler.Simple(ADVICE_FAULT));
                    for (int i = 0; i < advice.matchers.size(); i++) {
                        forAdvice = forAdvice.advice(advice.matchers.get(i), advice.names.get(i));
                    }
                    builder = builder.type(new TypeMatch(ti.typeMatcher(), support, ti.requiredClass())).transform(support)
                            .transform(forAdvice);
                    transformations++;
                }
                AgentLog.info("plugin " + name + " installed (" + instrumentations.size() + " instrumentations)");
            } catch (Throwable t) {
                status.fail("start failed: " + t);
                AgentFaults.report("plugin:" + name + ":start", t);
            }
        }
        if (transformations > 0) {
            try {
                builder.installOn(instrumentation);
            } catch (Throwable t) {
                for (PluginStatus s : statuses) {
                    if (s.state() == PluginStatus.State.INSTALLED) {
                        s.fail("installation failed: " + t);
                    }
                }
                AgentFaults.report("agent-builder:install", t);
            }
        }
        return Collections.unmodifiableList(statuses);
    }

    public List<PluginStatus> statuses() {
        return Collections.unmodifiableList(statuses);
    }

    private List<LanesPlugin> discover() {
        List<LanesPlugin> plugins = new ArrayList<LanesPlugin>();
        Iterator<LanesPlugin> it = ServiceLoader.load(LanesPlugin.class, pluginLoader).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                plugins.add(it.next());
            } catch (ServiceConfigurationError e) {
                statuses.add(new PluginStatus(String.valueOf(e.getMessage()), PluginStatus.State.FAILED,
                        "could not be loaded: " + e));
                AgentFaults.report("plugin:load", e);
            } catch (Throwable t) {
                AgentFaults.report("plugin:load", t);
                break;
            }
        }
        return plugins;
    }

    private static String safeName(LanesPlugin plugin) {
        try {
            String name = plugin.name();
            return name == null ? plugin.getClass().getName() : name;
        } catch (Throwable t) {
            return plugin.getClass().getName();
        }
    }

    /** The shared agent configuration: advice only, retransformation, and a strict ignore list. */
    private static AgentBuilder baseBuilder() {
        // ignore(none()): advice must reach synthetic methods too (lambda bodies such as
        // WebFlux's InvocableHandlerMethod#lambda$invoke$0). Type descriptions are cached only
        // while classes are being loaded, bounded (TypeCaches).
        // Advice needs no type initializers, so no Nexus: without this switch Byte Buddy's default
        // initialization strategy injects its Nexus class into the system class loader, at a
        // cost of some 100 ms of premain. The property name follows the (relocated) package.
        String nexusSwitch = ByteBuddy.class.getPackage().getName() + ".nexus.disabled";
        if (System.getProperty(nexusSwitch) == null) {
            System.setProperty(nexusSwitch, "true");
        }
        return new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED).ignore(none()))
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.RedefinitionStrategy.DiscoveryStrategy.Reiterating.INSTANCE)
                .with(AgentBuilder.DescriptionStrategy.Default.POOL_ONLY)
                .with(TypeCaches.instance())
                .with(new HeaderReadingBuffers())
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(new FaultListener())
                .ignore(ignored());
    }

    /** The JDK's {@code HttpURLConnection} implementation, which the built-in tag-loss plugin advises. */
    public static final String JDK_HTTP_URL_CONNECTION = "sun.net.www.protocol.http.HttpURLConnection";
    /** The JDK's {@code java.net.http.HttpClient} implementation, which the built-in tag-loss plugin advises. */
    public static final String JDK_HTTP_CLIENT = "jdk.internal.net.http.HttpClientImpl";

    /**
     * Everything the agent never needs to look at, by name prefix, before any other matcher:
     * the agent itself (its own packages only: an application may have classes under
     * {@code dev.lanes} too), Byte Buddy, other agents, generated classes and JDK internals. Only
     * {@code java.util.concurrent}, {@code java.lang.Thread} and the JDK's {@code HttpURLConnection}
     * (for tag-loss detection) may be instrumented.
     * Names only: a matcher that reads modifiers or super types here would parse the class
     * file of every class the application loads.
     */
    static ElementMatcher.Junction<TypeDescription> ignored() {
        return nameStartsWith("dev.lanes.bridge.").or(nameStartsWith("dev.lanes.launcher."))
                .or(nameStartsWith("dev.lanes.core.")).or(nameStartsWith("dev.lanes.plugin."))
                .or(nameStartsWith("dev.lanes.rules.")).or(nameStartsWith("dev.lanes.shaded."))
                .or(nameStartsWith("net.bytebuddy."))
                .or(nameStartsWith("sun.").and(not(named(JDK_HTTP_URL_CONNECTION))))
                .or(nameStartsWith("com.sun."))
                .or(nameStartsWith("jdk.").and(not(named(JDK_HTTP_CLIENT))))
                .or(nameStartsWith("javax.management."))
                .or(nameStartsWith("java.").and(not(nameStartsWith("java.util.concurrent.")))
                        .and(not(nameStartsWith("java.lang.Thread"))))
                .or(nameStartsWith("io.opentelemetry.javaagent."))
                .or(nameStartsWith("org.apache.skywalking.apm.agent."))
                .or(nameStartsWith("com.huaweicloud.sermant."))
                .or(nameStartsWith("co.elastic.apm.agent."))
                .or(nameStartsWith("org.gradle.").or(nameStartsWith("org.apache.maven.")))
                .or(nameContains("$$Lambda").or(nameContains("$ByteBuddy$"))
                        .or(nameContains("$$EnhancerBySpringCGLIB$$")).or(nameContains("$$SpringCGLIB$$")));
    }

    /** Called by inlined advice (through the exception handler) when advice code throws. */
    private static final StackManipulation ADVICE_FAULT;

    static {
        try {
            ADVICE_FAULT = MethodInvocation.invoke(new MethodDescription.ForLoadedMethod(
                    dev.lanes.bridge.AdviceFaults.class.getMethod("onThrowable", Throwable.class)));
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Collects the advice a type instrumentation registers. */
    private static final class AdviceCollector implements AdviceTarget {
        final List<ElementMatcher<? super MethodDescription>> matchers =
                new ArrayList<ElementMatcher<? super MethodDescription>>();
        final List<String> names = new ArrayList<String>();

        @Override
        public void applyAdvice(ElementMatcher<? super MethodDescription> methods, String adviceClassName) {
            matchers.add(methods);
            names.add(adviceClassName);
        }
    }

    /**
     * One instrumentation's type matcher, then its plugin's class-loader check, the matcher run
     * with the loader's super-type memo ({@link SuperTypes}) and timed.
     */
    private static final class TypeMatch implements AgentBuilder.RawMatcher {
        private final ElementMatcher<? super TypeDescription> typeMatcher;
        private final ElementMatcher<ClassLoader> loaderMatcher;
        /** The class file of {@link TypeInstrumentation#requiredClass()}, or null. */
        private final String requiredResource;
        /** Per loader, whether it sees the required class; weak keys, read only for matched types. */
        private final Map<ClassLoader, Boolean> seesRequired =
                Collections.synchronizedMap(new WeakHashMap<ClassLoader, Boolean>());

        TypeMatch(ElementMatcher<? super TypeDescription> typeMatcher, ElementMatcher<ClassLoader> loaderMatcher,
                  String requiredClass) {
            this.typeMatcher = typeMatcher;
            this.loaderMatcher = loaderMatcher;
            this.requiredResource = requiredClass == null ? null : requiredClass.replace('.', '/') + ".class";
        }

        private boolean seesRequired(ClassLoader loader) {
            if (requiredResource == null) {
                return true;
            }
            if (loader == null) {
                return ClassLoader.getSystemResource(requiredResource) != null;
            }
            Boolean sees = seesRequired.get(loader);
            if (sees == null) {
                sees = loader.getResource(requiredResource) != null;
                seesRequired.put(loader, sees);
            }
            return sees;
        }

        @Override
        public boolean matches(TypeDescription typeDescription, ClassLoader classLoader, JavaModule module,
                               Class<?> classBeingRedefined, ProtectionDomain protectionDomain) {
            long begin = System.nanoTime();
            try {
                // The type first: names and constant pools rule out nearly every class at once,
                // so a plugin asks whether its framework fits a loader (reading resources) only
                // when a class it would transform turns up there.
                return SuperTypes.matchIn(classLoader, typeMatcher, typeDescription)
                        && seesRequired(classLoader) && loaderMatcher.matches(classLoader);
            } finally {
                AgentTimings.instance().matched(System.nanoTime() - begin);
            }
        }
    }

    /**
     * Asks the plugin once per class loader whether its framework fits, remembers the answer,
     * and defines the plugin's helpers in a loader the first time one of its types is
     * transformed there.
     */
    private static final class LoaderSupport implements ElementMatcher<ClassLoader>, AgentBuilder.Transformer,
            AgentBuilder.RawMatcher {
        private final LanesPlugin plugin;
        private final PluginStatus status;
        private final HelperInjector injector;
        private final ClassLoader pluginLoader;
        private final Map<ClassLoader, Boolean> supported = new WeakHashMap<ClassLoader, Boolean>();
        /**
         * Helper injection per loader: absent while not done (pending), TRUE once the helpers are
         * defined, FALSE when defining them failed (the plugin then declines that loader).
         */
        private final Map<ClassLoader, Boolean> injected = new WeakHashMap<ClassLoader, Boolean>();
        private volatile Boolean bootstrapSupported;
        /** Most classes come from the loader the previous one came from: answer without a lock. */
        private volatile LastAnswer lastAnswer;

        LoaderSupport(LanesPlugin plugin, PluginStatus status, HelperInjector injector, ClassLoader pluginLoader) {
            this.plugin = plugin;
            this.status = status;
            this.injector = injector;
            this.pluginLoader = pluginLoader;
        }

        @Override
        public boolean matches(TypeDescription typeDescription, ClassLoader classLoader, JavaModule module,
                               Class<?> classBeingRedefined, ProtectionDomain protectionDomain) {
            return matches(classLoader);
        }

        @Override
        public boolean matches(ClassLoader loader) {
            if (status.state() != PluginStatus.State.INSTALLED) {
                return false;
            }
            if (loader == null) {
                Boolean b = bootstrapSupported;
                if (b == null) {
                    b = ask(null);
                    bootstrapSupported = b;
                }
                return b;
            }
            LastAnswer last = lastAnswer;
            if (last != null && last.get() == loader) {
                return last.supported;
            }
            Boolean known;
            synchronized (supported) {
                known = supported.get(loader);
            }
            boolean b = known != null ? known.booleanValue() : ask(loader) && !helpersFailed(loader);
            if (known == null) {
                synchronized (supported) {
                    supported.put(loader, b);
                }
            }
            lastAnswer = new LastAnswer(loader, b);
            return b;
        }

        private boolean ask(ClassLoader loader) {
            try {
                Support s = plugin.support(loader);
                if (s != null && s.isSupported()) {
                    status.loaderActive();
                    return true;
                }
                String reason = s == null ? "no verdict" : s.reason();
                if (status.loaderUnsupported(reason)) {
                    // The JDK's own loaders rarely hold a framework: not worth a line at info.
                    (loader == null ? DEBUG : INFO).log("plugin " + status.name() + " stays inactive in " + describe(loader) + ": " + reason);
                }
                return false;
            } catch (Throwable t) {
                AgentFaults.report("plugin:" + status.name() + ":support", t);
                return false;
            }
        }

        @Override
        public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type,
                                                ClassLoader loader, JavaModule module,
                                                ProtectionDomain protectionDomain) {
            List<String> helpers = plugin.helperClassNames();
            if (loader == null || helpers == null || helpers.isEmpty()) {
                return builder;
            }
            Boolean done;
            synchronized (injected) {
                done = injected.get(loader);
            }
            if (done == Boolean.TRUE) {
                return builder;
            }
            if (done == Boolean.FALSE) {
                throw new IllegalStateException("plugin " + status.name() + " could not define its helpers in "
                        + describe(loader) + " and declines it");
            }
            // Not done yet: this thread defines the helpers itself before its type is advised,
            // even while another thread is at it. Defining is idempotent (a helper already there
            // is left alone), and no thread waits for another: a thread loading a class of a
            // loader that is not parallel capable holds that loader's lock, which the other
            // thread's definitions need, so waiting could deadlock the application.
            try {
                if (injector == null) {
                    throw new IllegalStateException("helper classes cannot be defined in this JVM");
                }
                injector.inject(loader, helpers, pluginLoader);
            } catch (Throwable e) {
                helpersFailed(loader, e);
                // The transformation of this type is abandoned (the listener reports it); advice
                // without its helpers would fail at run time.
                throw new IllegalStateException("plugin " + status.name() + " cannot define its helpers in "
                        + describe(loader), e);
            }
            synchronized (injected) {
                if (injected.get(loader) == null) {
                    injected.put(loader, Boolean.TRUE);
                }
            }
            return builder;
        }

        private boolean helpersFailed(ClassLoader loader) {
            synchronized (injected) {
                return injected.get(loader) == Boolean.FALSE;
            }
        }

        /** From now on the plugin declines {@code loader}: no more of its types are matched. */
        private void helpersFailed(ClassLoader loader, Throwable cause) {
            synchronized (injected) {
                injected.put(loader, Boolean.FALSE);
            }
            synchronized (supported) {
                supported.put(loader, Boolean.FALSE);
            }
            lastAnswer = null;
            String reason = "its helpers could not be defined in " + describe(loader) + ": " + cause;
            if (status.helpersFailed(reason)) {
                AgentLog.warn("plugin " + status.name() + " declines " + describe(loader) + ": " + reason);
            }
        }

        private static String describe(ClassLoader loader) {
            return loader == null ? "the bootstrap class loader" : "class loader " + loader.getClass().getName()
                    + "@" + Integer.toHexString(System.identityHashCode(loader));
        }
    }

    /** A loader (held weakly) and the plugin's verdict on it. */
    private static final class LastAnswer extends java.lang.ref.WeakReference<ClassLoader> {
        final boolean supported;

        LastAnswer(ClassLoader loader, boolean supported) {
            super(loader);
            this.supported = supported;
        }
    }

    private static final LogAt DEBUG = new LogAt(true);
    private static final LogAt INFO = new LogAt(false);

    /** A log level chosen at run time. */
    private static final class LogAt {
        private final boolean debug;

        LogAt(boolean debug) {
            this.debug = debug;
        }

        void log(String message) {
            if (debug) {
                AgentLog.debug(message);
            } else {
                AgentLog.info(message);
            }
        }
    }

    /**
     * Byte Buddy's retaining class file buffers, which also hand the bytes of the class being
     * loaded to {@link SuperTypes}, so that its header is read without a type description.
     */
    private static final class HeaderReadingBuffers implements AgentBuilder.ClassFileBufferStrategy {
        @Override
        public ClassFileLocator resolve(String name, byte[] binaryRepresentation, ClassLoader classLoader,
                                        JavaModule module, ProtectionDomain protectionDomain) {
            SuperTypes.loading(name, binaryRepresentation);
            return AgentBuilder.ClassFileBufferStrategy.Default.RETAINING.resolve(name, binaryRepresentation,
                    classLoader, module, protectionDomain);
        }

        @Override
        public TypePool typePool(AgentBuilder.PoolStrategy poolStrategy, ClassFileLocator classFileLocator,
                                 ClassLoader classLoader, String name) {
            return AgentBuilder.ClassFileBufferStrategy.Default.RETAINING.typePool(poolStrategy, classFileLocator,
                    classLoader, name);
        }
    }

    /** Reports transformation errors as agent faults; the class loads untransformed. */
    private static final class FaultListener extends AgentBuilder.Listener.Adapter {
        @Override
        public void onDiscovery(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded) {
            AgentTimings.instance().classStarted();
        }

        @Override
        public void onComplete(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded) {
            if (AgentTimings.instance().classDone()) {
                SuperTypes.loaded();
            }
        }

        @Override
        public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded,
                            Throwable throwable) {
            AgentFaults.report("transform:" + typeName, throwable);
        }

        @Override
        public void onTransformation(TypeDescription typeDescription, ClassLoader classLoader, JavaModule module,
                                     boolean loaded, DynamicType dynamicType) {
            AgentTimings.instance().transformed();
            if (AgentLog.isDebug()) {
                AgentLog.debug("transformed " + typeDescription.getName() + (loaded ? " (retransformed)" : ""));
            }
        }
    }
}
