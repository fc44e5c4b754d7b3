package dev.lanes.testing;

import dev.lanes.core.plugin.LanesPlugin;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;


/**
 * A linkage check of a plugin's helper classes against one version of its framework: every
 * framework class, method and field they reference must exist with the same descriptor in the
 * given jars, and every abstract method of a framework interface they implement must be
 * implemented. Run by each plugin's {@code LinkageTest} for every framework version its docs
 * claim (the build fetches those jars), and from the command line with the arguments: the plugin class, the framework's package
 * prefixes (comma-separated, e.g. {@code org.apache.dubbo.}), the classes folder, the jars
 * (colon-separated).
 */
public final class LinkageCheck {
    static URLClassLoader jars;
    static Map<String, ClassNodeInfo> cache = new HashMap<>();
    record MethodInfo(String name, String desc, int access) {}
    record ClassNodeInfo(String name, String superName, String[] interfaces, List<MethodInfo> methods, Set<String> fields, int access) {}

    static ClassNodeInfo info(String internal) throws IOException {
        if (cache.containsKey(internal)) return cache.get(internal);
        InputStream in = jars.getResourceAsStream(internal + ".class");
        // The JDK's classes from this JVM; a framework's only from the jars under check (the test
        // class path has the version the plugin compiles against, which must not stand in).
        if (in == null && !framework(internal)) in = ClassLoader.getSystemResourceAsStream(internal + ".class");
        if (in == null) { cache.put(internal, null); return null; }
        ClassReader r = new ClassReader(in.readAllBytes());
        List<MethodInfo> methods = new ArrayList<>(); Set<String> fields = new HashSet<>();
        r.accept(new ClassVisitor(Opcodes.ASM9) {
            public MethodVisitor visitMethod(int a, String n, String d, String s, String[] e) { methods.add(new MethodInfo(n, d, a)); return null; }
            public FieldVisitor visitField(int a, String n, String d, String s, Object v) { fields.add(n + d); return null; }
        }, ClassReader.SKIP_CODE);
        ClassNodeInfo ci = new ClassNodeInfo(r.getClassName(), r.getSuperName(), r.getInterfaces(), methods, fields, r.getAccess());
        cache.put(internal, ci); return ci;
    }

    static boolean hasMethod(String owner, String name, String desc, Set<String> seen) throws IOException {
        if (owner == null || !seen.add(owner)) return false;
        ClassNodeInfo ci = info(owner);
        if (ci == null) return false;
        for (MethodInfo m : ci.methods) if (m.name.equals(name) && m.desc.equals(desc)) return true;
        if (hasMethod(ci.superName, name, desc, seen)) return true;
        for (String i : ci.interfaces) if (hasMethod(i, name, desc, seen)) return true;
        return false;
    }

    static String[] prefixes = new String[0];

    static boolean framework(String owner) {
        for (String p : prefixes) if (owner.startsWith(p)) return true;
        return false;
    }

    public static void main(String[] args) throws Exception {
        List<Path> jarFiles = new ArrayList<>();
        for (String j : args[3].split(":")) jarFiles.add(Paths.get(j));
        List<String> problems = check(args[0], args[1], Paths.get(args[2]), jarFiles);
        if (!problems.isEmpty()) {
            System.exit(1);
        }
    }

    /**
     * Checks the helpers of {@code pluginClass} (read from {@code classes}) against the framework
     * classes in {@code jarFiles}; returns the problems, also printed with the count of references.
     */
    public static synchronized List<String> check(String pluginClass, String frameworkPrefixes, Path classes,
                                                  List<Path> jarFiles) throws Exception {
        cache.clear();
        LanesPlugin plugin = (LanesPlugin) Class.forName(pluginClass).getDeclaredConstructor().newInstance();
        prefixes = Arrays.stream(frameworkPrefixes.split(",")).map(p -> p.trim().replace('.', '/')).toArray(String[]::new);
        List<String> helpers = plugin.helperClassNames();
        List<URL> urls = new ArrayList<>();
        for (Path j : jarFiles) urls.add(j.toUri().toURL());
        jars = new URLClassLoader(urls.toArray(new URL[0]), null);
        try {
            return checkHelpers(helpers, classes);
        } finally {
            jars.close();
        }
    }

    private static List<String> checkHelpers(List<String> helpers, Path classes) throws Exception {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (String h : helpers) {
            if (h.isBlank()) continue;
            byte[] bytes = Files.readAllBytes(classes.resolve(h.replace('.', '/') + ".class"));
            ClassReader r = new ClassReader(bytes);
            Set<String> refs = new LinkedHashSet<>();
            List<String[]> calls = new ArrayList<>();
            r.accept(new ClassVisitor(Opcodes.ASM9) {
                public void visit(int v, int a, String n, String s, String sup, String[] itf) {
                    if (sup != null && framework(sup)) refs.add(sup);
                    for (String i : itf) if (framework(i)) refs.add(i);
                }
                public MethodVisitor visitMethod(int a, String n, String d, String s, String[] e) {
                    return new MethodVisitor(Opcodes.ASM9) {
                        public void visitMethodInsn(int op, String owner, String name, String desc, boolean itf) {
                            if (framework(owner)) calls.add(new String[] {owner, name, desc});
                        }
                        public void visitFieldInsn(int op, String owner, String name, String desc) {
                            if (framework(owner)) calls.add(new String[] {owner, "FIELD:" + name, desc});
                        }
                        public void visitTypeInsn(int op, String type) { if (framework(type)) refs.add(type); }
                        public void visitLdcInsn(Object v) { if (v instanceof Type t && t.getSort() == Type.OBJECT && framework(t.getInternalName())) refs.add(t.getInternalName()); }
                    };
                }
            }, 0);
            for (String c : refs) { checked++; if (info(c) == null) problems.add(h + ": missing class " + c); }
            for (String[] c : calls) {
                checked++;
                if (c[1].startsWith("FIELD:")) {
                    ClassNodeInfo ci = info(c[0]);
                    if (ci == null || !ci.fields.contains(c[1].substring(6) + c[2])) problems.add(h + ": missing field " + c[0] + "." + c[1] + c[2]);
                } else if (!hasMethod(c[0], c[1], c[2], new HashSet<>())) {
                    problems.add(h + ": missing " + c[0] + "." + c[1] + c[2]);
                }
            }
            // Abstract methods of framework interfaces the helper implements must all be implemented.
            ClassNodeInfo self = new ClassNodeInfo(r.getClassName(), r.getSuperName(), r.getInterfaces(), new ArrayList<>(), Set.of(), r.getAccess());
            List<MethodInfo> own = new ArrayList<>();
            r.accept(new ClassVisitor(Opcodes.ASM9) { public MethodVisitor visitMethod(int a, String n, String d, String s, String[] e) { own.add(new MethodInfo(n, d, a)); return null; } }, ClassReader.SKIP_CODE);
            Deque<String> todo = new ArrayDeque<>(Arrays.asList(r.getInterfaces()));
            Set<String> seenItf = new HashSet<>();
            while (!todo.isEmpty()) {
                String i = todo.pop();
                if (!framework(i) || !seenItf.add(i)) continue;
                ClassNodeInfo ci = info(i);
                if (ci == null) continue;
                todo.addAll(Arrays.asList(ci.interfaces));
                for (MethodInfo m : ci.methods) {
                    if ((m.access & Opcodes.ACC_ABSTRACT) == 0) continue;
                    checked++;
                    boolean implemented = own.stream().anyMatch(o -> o.name.equals(m.name) && o.desc.equals(m.desc) && (o.access & Opcodes.ACC_ABSTRACT) == 0);
                    if (!implemented) {
                        // a default method elsewhere in the hierarchy also counts
                        boolean def = false;
                        for (String j : seenItf) { ClassNodeInfo cj = info(j); if (cj != null) for (MethodInfo mj : cj.methods) if (mj.name.equals(m.name) && mj.desc.equals(m.desc) && (mj.access & Opcodes.ACC_ABSTRACT) == 0) def = true; }
                        if (!def) problems.add(h + ": does not implement " + i + "." + m.name + m.desc);
                    }
                }
            }
        }
        System.out.println("checked " + checked + " references; problems: " + problems.size());
        problems.forEach(p -> System.out.println("  " + p));
        return problems;
    }
}
