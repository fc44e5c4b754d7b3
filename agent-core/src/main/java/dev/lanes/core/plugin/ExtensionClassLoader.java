package dev.lanes.core.plugin;

import dev.lanes.bridge.AgentLog;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.commons.ClassRemapper;
import net.bytebuddy.jar.asm.commons.Remapper;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Loads extra plugins from {@code lanes.extensions} (a jar, or a folder of jars), child-first
 * above the agent loader. Extensions are written against the ordinary Byte Buddy API; since
 * the agent jar carries Byte Buddy relocated, their class files are remapped to the relocated
 * names as they load.
 */
public final class ExtensionClassLoader extends URLClassLoader {

    static {
        registerAsParallelCapable();
    }

    private final String[][] relocations;

    private ExtensionClassLoader(URL[] urls, ClassLoader parent, String[][] relocations) {
        super(urls, parent);
        this.relocations = relocations;
    }

    /** The loader to find plugins in: the agent loader, or an extension loader above it. */
    public static ClassLoader create(String setting, ClassLoader agentLoader) {
        if (setting == null || setting.trim().isEmpty()) {
            return agentLoader;
        }
        List<URL> urls = new ArrayList<URL>();
        for (String part : setting.split(File.pathSeparator + "|,")) {
            File f = new File(part.trim());
            if (f.isDirectory()) {
                File[] jars = f.listFiles();
                if (jars != null) {
                    Arrays.sort(jars);
                    for (File jar : jars) {
                        if (jar.getName().endsWith(".jar")) {
                            add(urls, jar);
                        }
                    }
                }
            } else if (f.isFile()) {
                add(urls, f);
            } else {
                AgentLog.warn("lanes.extensions: '" + part.trim() + "' is neither a jar nor a folder; ignored");
            }
        }
        if (urls.isEmpty()) {
            return agentLoader;
        }
        AgentLog.info("loading extensions from " + urls);
        return new ExtensionClassLoader(urls.toArray(new URL[0]), agentLoader, relocations());
    }

    private static void add(List<URL> urls, File f) {
        try {
            urls.add(f.toURI().toURL());
        } catch (IOException e) {
            AgentLog.warn("lanes.extensions: cannot use " + f + ": " + e);
        }
    }

    /** Pairs of (original internal prefix, relocated internal prefix) found in this agent. */
    private static String[][] relocations() {
        List<String[]> list = new ArrayList<String[]>();
        // The original prefixes are assembled at run time: as plain literals, the relocation
        // that builds the agent jar would rewrite them too.
        relocation(list, internalPrefix("net", "bytebuddy"), net.bytebuddy.ByteBuddy.class.getName(), "ByteBuddy");
        relocation(list, internalPrefix("org", "yaml", "snakeyaml"), org.yaml.snakeyaml.Yaml.class.getName(), "Yaml");
        return list.toArray(new String[0][]);
    }

    private static String internalPrefix(String... parts) {
        StringBuilder sb = new StringBuilder();
        for (String p : parts) {
            sb.append(p).append('/');
        }
        return sb.toString();
    }

    private static void relocation(List<String[]> list, String original, String actualClassName, String simpleName) {
        String actual = actualClassName.replace('.', '/');
        String prefix = actual.substring(0, actual.length() - simpleName.length());
        if (!prefix.equals(original)) {
            list.add(new String[] {original, prefix});
        }
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null && !name.startsWith("java.") && !name.startsWith("dev.lanes.bridge.")
                    && !name.startsWith("dev.lanes.core.") && !name.startsWith("dev.lanes.shaded.")) {
                try {
                    c = findClass(name);
                } catch (ClassNotFoundException notHere) {
                    c = null;
                }
            }
            if (c == null) {
                return super.loadClass(name, resolve);
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        URL url = findResource(name.replace('.', '/') + ".class");
        if (url == null) {
            throw new ClassNotFoundException(name);
        }
        try {
            byte[] bytes = remap(ClassBytes.readAll(url.openStream()));
            return defineClass(name, bytes, 0, bytes.length);
        } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
        }
    }

    /** Advice classes are read as bytes by Byte Buddy: serve them remapped too. */
    @Override
    public InputStream getResourceAsStream(String name) {
        if (name.endsWith(".class") && relocations.length > 0) {
            URL url = findResource(name);
            if (url != null) {
                try {
                    return new java.io.ByteArrayInputStream(remap(ClassBytes.readAll(url.openStream())));
                } catch (IOException e) {
                    return null;
                }
            }
        }
        return super.getResourceAsStream(name);
    }

    private byte[] remap(byte[] bytes) {
        if (relocations.length == 0) {
            return bytes;
        }
        ClassReader reader = new ClassReader(bytes);
        ClassWriter writer = new ClassWriter(0);
        reader.accept(new ClassRemapper(writer, new Remapper() {
            @Override
            public String map(String internalName) {
                for (String[] r : relocations) {
                    if (internalName.startsWith(r[0])) {
                        return r[1] + internalName.substring(r[0].length());
                    }
                }
                return internalName;
            }
        }), 0);
        return writer.toByteArray();
    }
}
