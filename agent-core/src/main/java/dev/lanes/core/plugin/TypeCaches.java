package dev.lanes.core.plugin;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.pool.TypePool;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * What the agent builds to match classes, held only while classes are being loaded: per class
 * loader (weakly keyed, so a redeployed application's loader goes with its entries) a small
 * least-recently-used cache of Byte Buddy type descriptions and the memo of {@link SuperTypes},
 * both bounded, and both emptied once no class has been matched for {@link #IDLE_MILLIS}.
 *
 * <p>Unbounded per-loader caches kept every description parsed at start-up (some ten thousand
 * in a Spring Boot service, over 100 MB of heap) for the life of the process. The memo of
 * super types makes most descriptions one-use, so a few hundred cached ones keep the hit rate
 * of the few that recur ({@code java.lang.Object}, common framework base types).
 */
public final class TypeCaches extends AgentBuilder.PoolStrategy.WithTypePoolCache {

    /** Descriptions kept per class loader, least recently used dropped first. */
    static final int MAX_DESCRIPTIONS = 512;
    /** Super-type verdicts kept per class loader; a few bytes each. */
    static final int MAX_VERDICTS = 50_000;
    /** Everything is dropped after this long without a class being matched. */
    static final long IDLE_MILLIS = 10_000L;
    private static final long SWEEP_EVERY_MILLIS = 2_000L;

    private static final TypeCaches INSTANCE = new TypeCaches();

    private final Map<ClassLoader, LoaderCache> caches = new WeakHashMap<ClassLoader, LoaderCache>();
    private final LoaderCache bootstrap = new LoaderCache(ClassFileLocator.ForClassLoader.ofBootLoader());
    private volatile long lastUseMillis;
    private volatile boolean sweeping;
    /** Whether the first quiet spell (the end of start-up's class loading) was reported. */
    private volatile boolean reported;

    private TypeCaches() {
        super(TypePool.Default.ReaderMode.FAST);
    }

    /** The agent's one pool strategy. */
    public static TypeCaches instance() {
        return INSTANCE;
    }

    @Override
    protected TypePool.CacheProvider locate(ClassLoader loader) {
        return forLoader(loader).descriptions;
    }

    @Override
    public TypePool typePool(ClassFileLocator classFileLocator, ClassLoader classLoader) {
        return new TypePool.LazyFacade(new TypePool.Default.WithLazyResolution(
                new WithBootstrapClasses(locate(classLoader)), classFileLocator, TypePool.Default.ReaderMode.FAST));
    }

    @Override
    public TypePool typePool(ClassFileLocator classFileLocator, ClassLoader classLoader, String name) {
        // As Byte Buddy's own: the type being transformed is described from its bytes in flight,
        // never from the shared cache.
        return new TypePool.LazyFacade(new TypePool.Default.WithLazyResolution(
                new WithBootstrapClasses(new TypePool.CacheProvider.Discriminating(ElementMatchers.<String>is(name),
                        new TypePool.CacheProvider.Simple(), locate(classLoader))),
                classFileLocator, TypePool.Default.ReaderMode.FAST));
    }

    /**
     * Describes, by the loaded class, a type that the bootstrap loader has but whose class file
     * no loader shows: what another agent appended to the bootstrap class path (such jars are not
     * searched for resources) or defined there itself. The OpenTelemetry Java agent adds such
     * interfaces (its {@code VirtualFieldInstalledMarker} and generated
     * {@code VirtualFieldAccessor$...} types) to the classes it transforms; when it runs before
     * Lanes, Lanes could not describe those classes, and left them untransformed. A cache
     * provider, because the lazy pool registers every eager look-up (found or not) through it;
     * only the bootstrap is asked, so no application class is loaded early.
     */
    static final class WithBootstrapClasses implements TypePool.CacheProvider {

        private final TypePool.CacheProvider delegate;

        WithBootstrapClasses(TypePool.CacheProvider delegate) {
            this.delegate = delegate;
        }

        @Override
        public TypePool.Resolution find(String name) {
            return delegate.find(name);
        }

        @Override
        public TypePool.Resolution register(String name, TypePool.Resolution resolution) {
            return delegate.register(name, resolution.isResolved() ? resolution : loaded(name, resolution));
        }

        @Override
        public void clear() {
            delegate.clear();
        }

        private static TypePool.Resolution loaded(String name, TypePool.Resolution missing) {
            if (name.startsWith("java.")) {
                return missing;
            }
            try {
                return new TypePool.Resolution.Simple(TypeDescription.ForLoadedType.of(Class.forName(name, false, null)));
            } catch (ClassNotFoundException | LinkageError e) {
                return missing;
            }
        }
    }

    /** The caches of {@code loader} (null: the bootstrap loader), created on first use. */
    LoaderCache forLoader(ClassLoader loader) {
        touch();
        if (loader == null) {
            return bootstrap;
        }
        synchronized (caches) {
            LoaderCache cache = caches.get(loader);
            if (cache == null) {
                cache = new LoaderCache(ClassFileLocator.ForClassLoader.WeaklyReferenced.of(loader));
                caches.put(loader, cache);
            }
            return cache;
        }
    }

    /** How many descriptions and verdicts are held now, for tests and the admin endpoint. */
    int[] sizes() {
        int descriptions = bootstrap.descriptions.size();
        int verdicts = bootstrap.verdictCount();
        synchronized (caches) {
            for (LoaderCache cache : caches.values()) {
                descriptions += cache.descriptions.size();
                verdicts += cache.verdictCount();
            }
        }
        return new int[]{descriptions, verdicts};
    }

    /** Drops everything cached (the next match reads class files again). */
    void clear() {
        bootstrap.clear();
        synchronized (caches) {
            for (LoaderCache cache : caches.values()) {
                cache.clear();
            }
            caches.clear();
        }
    }

    private void touch() {
        lastUseMillis = System.currentTimeMillis();
        if (!sweeping) {
            startSweeper();
        }
    }

    private synchronized void startSweeper() {
        if (sweeping) {
            return;
        }
        sweeping = true;
        Thread sweeper = new Thread(new Runnable() {
            @Override
            public void run() {
                sweep();
            }
        }, "lanes-type-cache-sweeper");
        sweeper.setDaemon(true);
        sweeper.start();
    }

    /** Runs until the caches have been idle long enough, empties them, and ends; the next use starts it again. */
    private void sweep() {
        try {
            while (true) {
                Thread.sleep(SWEEP_EVERY_MILLIS);
                if (System.currentTimeMillis() - lastUseMillis >= IDLE_MILLIS) {
                    synchronized (this) {
                        sweeping = false;
                    }
                    clear();
                    if (!reported) {
                        reported = true;
                        AgentTimings.instance().reportStartup();
                    }
                    return;
                }
            }
        } catch (InterruptedException e) {
            synchronized (this) {
                sweeping = false;
            }
        }
    }

    /** One class loader's descriptions and super-type verdicts. */
    static final class LoaderCache {
        final Descriptions descriptions = new Descriptions();
        /** Reads class files through the loader, holding it weakly (it is this cache's key). */
        private final ClassFileLocator locator;
        private final Map<String, Long> verdicts = new LinkedHashMap<String, Long>(256, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > MAX_VERDICTS;
            }
        };

        LoaderCache(ClassFileLocator locator) {
            this.locator = locator;
        }

        /** The class file of {@code name} as the loader finds it, or null. */
        byte[] classFile(String name) {
            try {
                ClassFileLocator.Resolution resolution = locator.locate(name);
                return resolution.isResolved() ? resolution.resolve() : null;
            } catch (Exception e) {
                return null;
            }
        }

        /** The memoised super-type mask of the type {@code name}, or null. */
        Long verdict(String name) {
            synchronized (verdicts) {
                return verdicts.get(name);
            }
        }

        void verdict(String name, long mask) {
            synchronized (verdicts) {
                verdicts.put(name, Long.valueOf(mask));
            }
        }

        int verdictCount() {
            synchronized (verdicts) {
                return verdicts.size();
            }
        }

        void clear() {
            descriptions.clear();
            synchronized (verdicts) {
                verdicts.clear();
            }
        }
    }

    /** A least-recently-used {@link TypePool.CacheProvider} of at most {@link #MAX_DESCRIPTIONS}. */
    static final class Descriptions implements TypePool.CacheProvider {
        private static final TypePool.Resolution OBJECT =
                new TypePool.Resolution.Simple(TypeDescription.ForLoadedType.of(Object.class));

        private final Map<String, TypePool.Resolution> storage =
                new LinkedHashMap<String, TypePool.Resolution>(64, 0.75f, true) {
                    private static final long serialVersionUID = 1L;

                    @Override
                    protected boolean removeEldestEntry(Map.Entry<String, TypePool.Resolution> eldest) {
                        return size() > MAX_DESCRIPTIONS;
                    }
                };

        @Override
        public TypePool.Resolution find(String name) {
            if ("java.lang.Object".equals(name)) {
                return OBJECT;
            }
            synchronized (storage) {
                return storage.get(name);
            }
        }

        @Override
        public TypePool.Resolution register(String name, TypePool.Resolution resolution) {
            synchronized (storage) {
                TypePool.Resolution cached = storage.get(name);
                if (cached != null) {
                    return cached;
                }
                storage.put(name, resolution);
                return resolution;
            }
        }

        @Override
        public void clear() {
            synchronized (storage) {
                storage.clear();
            }
        }

        int size() {
            synchronized (storage) {
                return storage.size();
            }
        }
    }
}
