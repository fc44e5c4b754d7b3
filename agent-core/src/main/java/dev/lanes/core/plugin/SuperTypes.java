package dev.lanes.core.plugin;

import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import java.util.ArrayList;
import java.util.List;

/**
 * "Is or extends or implements the type named N", the matcher plugins use where a framework
 * has no single class to advise (servlets, filters, registries). Every such matcher of every
 * plugin answers from one walk of a type's hierarchy: the walk computes, once per type name and
 * class loader, a bit mask of all the watched names the type is or inherits, and memoises it in
 * {@link TypeCaches} so that a super type shared by many classes is read once, not once per
 * subclass and matcher. The walk reads only class file headers ({@link ClassHeader}): the
 * class being loaded from the bytes the JVM hands over, its super types from their class
 * files; no type description is built for a class that does not match. The names are
 * registered before the agent is installed.
 *
 * <p>A super type that cannot be read (missing from the class path) counts as matching
 * nothing, as Byte Buddy's {@code failSafe(hasSuperType(..))} does; such a verdict is not
 * memoised.
 */
public final class SuperTypes {

    private static final int MAX_NAMES = 63;
    private static final List<String> NAMES = new ArrayList<String>();
    private static volatile String[] names = new String[0];
    private static volatile boolean watchesJava;
    private static final List<String> METHODS = new ArrayList<String>();
    private static volatile byte[][] methods = new byte[0][];
    private static final ThreadLocal<Context> CONTEXT = new ThreadLocal<Context>() {
        @Override
        protected Context initialValue() {
            return new Context();
        }
    };

    private SuperTypes() {
    }

    /** Matches {@code typeName} itself and every type that extends or implements it. */
    public static ElementMatcher.Junction<TypeDescription> named(String typeName) {
        return new Matcher(typeName, bit(typeName), null, 0L);
    }

    /**
     * As {@link #named}, for the types that also declare a method named {@code methodName}: the
     * only ones that advice on that method changes. Most classes are ruled out by their constant
     * pool alone (the method name is not in it), before any super type is looked at.
     */
    public static ElementMatcher.Junction<TypeDescription> declaring(String typeName, String methodName) {
        return new Matcher(typeName, bit(typeName), methodName, methodBit(methodName));
    }

    private static synchronized long methodBit(String methodName) {
        int index = METHODS.indexOf(methodName);
        if (index < 0) {
            for (int i = 0; i < methodName.length(); i++) {
                if (methodName.charAt(i) > 0x7F) {
                    throw new IllegalArgumentException("method names are ASCII here: " + methodName);
                }
            }
            if (METHODS.size() >= MAX_NAMES) {
                throw new IllegalStateException("more than " + MAX_NAMES + " watched method names");
            }
            METHODS.add(methodName);
            byte[][] bytes = new byte[METHODS.size()][];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = METHODS.get(i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            }
            methods = bytes;
            index = METHODS.size() - 1;
        }
        return 1L << index;
    }

    private static synchronized long bit(String typeName) {
        int index = NAMES.indexOf(typeName);
        if (index < 0) {
            if (NAMES.size() >= MAX_NAMES) {
                throw new IllegalStateException("more than " + MAX_NAMES + " watched super types");
            }
            NAMES.add(typeName);
            names = NAMES.toArray(new String[0]);
            watchesJava |= typeName.startsWith("java.");
            // Verdicts computed before this name existed do not know of it.
            TypeCaches.instance().clear();
            index = NAMES.size() - 1;
        }
        return 1L << index;
    }

    /**
     * Runs {@code matcher} on {@code type} with the memo of {@code loader}; outside such a call
     * (unit tests) the walk reads type descriptions and memoises nothing.
     */
    static boolean matchIn(ClassLoader loader, ElementMatcher<? super TypeDescription> matcher,
                           TypeDescription type) {
        Context context = CONTEXT.get();
        ClassLoader previousLoader = context.loader;
        boolean wasIn = context.inLoader;
        context.loader = loader;
        context.inLoader = true;
        try {
            return matcher.matches(type);
        } finally {
            context.loader = previousLoader;
            context.inLoader = wasIn;
        }
    }

    /**
     * The class file the JVM is handing the agent on this thread, so that its header is read
     * from these bytes rather than parsed into a type description. Called before matching.
     */
    static void loading(String name, byte[] classFile) {
        Context context = CONTEXT.get();
        context.loadingName = name;
        context.loadingBytes = classFile;
        context.header = null;
    }

    /** Forgets the class file of {@link #loading}, once the agent is done with the class. */
    static void loaded() {
        Context context = CONTEXT.get();
        context.loadingName = null;
        context.loadingBytes = null;
        context.header = null;
    }

    /** The mask of the watched names {@code type} is or inherits. */
    static long mask(TypeDescription type) {
        Context context = CONTEXT.get();
        String[] watched = names;
        long[] unreadable = new long[1];
        if (!context.inLoader) {
            return maskOf(type, watched, 0);
        }
        TypeCaches.LoaderCache memo = TypeCaches.instance().forLoader(context.loader);
        String name = type.getName();
        Long known = memo.verdict(name);
        if (known != null) {
            return known.longValue();
        }
        ClassHeader header = context.header(name);
        if (header == null) {
            // A class whose bytes were not handed over (nested loading): its description has them.
            return maskOf(type, watched, 0);
        }
        long mask = own(name, watched) | supers(header, memo, watched, unreadable, 0);
        if (unreadable[0] == 0) {
            memo.verdict(name, mask);
        }
        return mask;
    }

    private static long own(String name, String[] watched) {
        long mask = 0L;
        for (int i = 0; i < watched.length; i++) {
            if (watched[i].equals(name)) {
                mask |= 1L << i;
            }
        }
        return mask;
    }

    private static long supers(ClassHeader header, TypeCaches.LoaderCache memo, String[] watched,
                               long[] unreadable, int depth) {
        long mask = 0L;
        if (header.superName != null) {
            mask |= byName(header.superName, memo, watched, unreadable, depth + 1);
        }
        for (int i = 0; i < header.interfaces.length; i++) {
            mask |= byName(header.interfaces[i], memo, watched, unreadable, depth + 1);
        }
        return mask;
    }

    /** The mask of a super type known by name, from the memo or its class file's header. */
    private static long byName(String name, TypeCaches.LoaderCache memo, String[] watched, long[] unreadable,
                               int depth) {
        Long known = memo.verdict(name);
        if (known != null) {
            return known.longValue();
        }
        long mask = own(name, watched);
        if (name.startsWith("java.") && !watchesJava) {
            // Only the JDK's own loaders define java.*, and JDK types inherit only JDK types: none is watched.
            return mask;
        }
        if (depth > 64) {
            // A cycle can only come from broken class files; stop rather than recurse forever.
            return mask;
        }
        byte[] bytes = memo.classFile(name);
        if (bytes == null) {
            // Missing from the class path (an optional dependency): this branch matches nothing.
            unreadable[0]++;
            return mask;
        }
        long before = unreadable[0];
        try {
            mask |= supers(ClassHeader.read(bytes), memo, watched, unreadable, depth);
        } catch (IllegalArgumentException e) {
            unreadable[0]++;
        }
        if (unreadable[0] == before) {
            memo.verdict(name, mask);
        }
        return mask;
    }

    /** The walk over type descriptions, for types matched outside the installed agent. */
    private static long maskOf(TypeDescription type, String[] watched, int depth) {
        long mask = own(type.getName(), watched);
        if (depth > 64) {
            return mask;
        }
        try {
            TypeDescription.Generic superClass = type.getSuperClass();
            if (superClass != null) {
                mask |= maskOf(superClass.asErasure(), watched, depth + 1);
            }
            for (TypeDescription.Generic anInterface : type.getInterfaces()) {
                mask |= maskOf(anInterface.asErasure(), watched, depth + 1);
            }
        } catch (Throwable t) {
            // TypePool.Resolution.NoSuchTypeException and the like: this branch matches nothing.
        }
        return mask;
    }

    /**
     * Whether {@code type} may declare a method of the names in {@code methodBits}: from its
     * constant pool when its class file is at hand, else from its description.
     */
    static boolean mayDeclare(TypeDescription type, long methodBits, String methodName) {
        Context context = CONTEXT.get();
        ClassHeader header = context.inLoader ? context.header(type.getName()) : null;
        if (header != null) {
            return (header.mentioned & methodBits) != 0;
        }
        if (type instanceof TypeDescription.ForLoadedType) {
            // Reflection on a loaded class's methods loads every type in their signatures, inside
            // the transformer, where those loads go untransformed. Leave it to the hierarchy.
            return true;
        }
        return !type.getDeclaredMethods().filter(net.bytebuddy.matcher.ElementMatchers.named(methodName)).isEmpty();
    }

    /** Per thread: the loader being matched in, and the class file being loaded. */
    private static final class Context {
        ClassLoader loader;
        boolean inLoader;
        String loadingName;
        byte[] loadingBytes;
        /** The header of the class being loaded, read once for all matchers. */
        ClassHeader header;

        /** The header of the class being loaded when it is {@code name}, else null. */
        ClassHeader header(String name) {
            if (loadingBytes == null || !name.equals(loadingName)) {
                return null;
            }
            if (header == null) {
                try {
                    header = ClassHeader.read(loadingBytes, methods);
                } catch (IllegalArgumentException e) {
                    return null;
                }
            }
            return header;
        }
    }

    /** One watched name. */
    private static final class Matcher extends ElementMatcher.Junction.AbstractBase<TypeDescription> {
        private final String typeName;
        private final long bit;
        private final String methodName;
        private final long methodBit;

        Matcher(String typeName, long bit, String methodName, long methodBit) {
            this.typeName = typeName;
            this.bit = bit;
            this.methodName = methodName;
            this.methodBit = methodBit;
        }

        @Override
        public boolean matches(TypeDescription target) {
            try {
                if (methodName != null && !mayDeclare(target, methodBit, methodName)) {
                    return false;
                }
                return (mask(target) & bit) != 0;
            } catch (Throwable t) {
                return false;
            }
        }

        @Override
        public String toString() {
            return "hasSuperType(" + typeName + ")" + (methodName == null ? "" : ".declaring(" + methodName + ")");
        }
    }
}
