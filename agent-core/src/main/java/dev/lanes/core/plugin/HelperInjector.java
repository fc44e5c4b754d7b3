package dev.lanes.core.plugin;

import dev.lanes.bridge.AgentFaults;
import dev.lanes.bridge.AgentLog;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Defines a plugin's helper classes in an application class loader, so that advice inlined
 * into the application can call them by name. It calls {@code ClassLoader.defineClass}
 * reflectively after opening {@code java.lang} to the agent through the instrumentation API:
 * unlike the sun.misc.Unsafe routes, this works without warnings on every JDK from 8 to 25.
 */
final class HelperInjector {

    private final Method defineClass;
    private final Method findLoadedClass;
    private final Method classLoadingLock;

    private HelperInjector(Method defineClass, Method findLoadedClass, Method classLoadingLock) {
        this.defineClass = defineClass;
        this.findLoadedClass = findLoadedClass;
        this.classLoadingLock = classLoadingLock;
    }

    /** Returns an injector, or null (logged) when this JVM refuses reflective access. */
    static HelperInjector create(Instrumentation inst) {
        try {
            openJavaLang(inst);
            Method define = ClassLoader.class.getDeclaredMethod("defineClass", String.class, byte[].class,
                    int.class, int.class, ProtectionDomain.class);
            define.setAccessible(true);
            Method find = ClassLoader.class.getDeclaredMethod("findLoadedClass", String.class);
            find.setAccessible(true);
            Method lock = null;
            try {
                lock = ClassLoader.class.getDeclaredMethod("getClassLoadingLock", String.class);
                lock.setAccessible(true);
            } catch (NoSuchMethodException ignored) {
                // Java 6 had none; every supported JDK has it.
            }
            return new HelperInjector(define, find, lock);
        } catch (Throwable t) {
            AgentFaults.report("helper-injection-setup", t);
            return null;
        }
    }

    /** On Java 9+, opens java.lang (of java.base) to the agent's module; nothing to do on Java 8. */
    private static void openJavaLang(Instrumentation inst) throws Exception {
        Method getModule;
        try {
            getModule = Class.class.getMethod("getModule");
        } catch (NoSuchMethodException java8) {
            return;
        }
        Object javaBase = getModule.invoke(ClassLoader.class);
        Object agent = getModule.invoke(HelperInjector.class);
        Class<?> moduleType = Class.forName("java.lang.Module");
        Method redefine = Instrumentation.class.getMethod("redefineModule", moduleType, java.util.Set.class,
                Map.class, Map.class, java.util.Set.class, Map.class);
        redefine.invoke(inst, javaBase, Collections.emptySet(), Collections.emptyMap(),
                Collections.singletonMap("java.lang", Collections.singleton(agent)), Collections.emptySet(),
                Collections.emptyMap());
    }

    /**
     * Defines {@code classNames}, read from {@code source}, in {@code target}; classes already
     * there are left alone. Supertypes among them are defined first, whatever the order given.
     */
    void inject(ClassLoader target, List<String> classNames, ClassLoader source) throws Exception {
        Map<String, byte[]> pending = new LinkedHashMap<String, byte[]>();
        for (String name : classNames) {
            InputStream in = source.getResourceAsStream(name.replace('.', '/') + ".class");
            if (in == null) {
                throw new IllegalStateException("helper class " + name + " is not in the agent jar");
            }
            pending.put(name, ClassBytes.readAll(in));
        }
        while (!pending.isEmpty()) {
            List<String> done = new ArrayList<String>();
            Throwable last = null;
            for (Map.Entry<String, byte[]> e : pending.entrySet()) {
                try {
                    define(target, e.getKey(), e.getValue());
                    done.add(e.getKey());
                } catch (NoClassDefFoundError missingSupertype) {
                    last = missingSupertype;
                }
            }
            if (done.isEmpty()) {
                throw new IllegalStateException("cannot define helpers " + pending.keySet() + " in " + target, last);
            }
            for (String name : done) {
                pending.remove(name);
            }
        }
    }

    private void define(ClassLoader target, String name, byte[] bytes) throws Exception {
        Object lock = classLoadingLock == null ? target : classLoadingLock.invoke(target, name);
        synchronized (lock) {
            if (findLoadedClass.invoke(target, name) != null) {
                return;
            }
            try {
                defineClass.invoke(target, name, bytes, 0, bytes.length, null);
                AgentLog.debug("defined helper " + name + " in " + target);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof LinkageError && findLoadedClass.invoke(target, name) != null) {
                    return;
                }
                if (cause instanceof Exception) {
                    throw (Exception) cause;
                }
                throw (Error) cause;
            }
        }
    }
}
