package dev.lanes.launcher;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The isolated loader of the agent core, its plugins and their relocated libraries. They are
 * stored in the agent jar under {@value #PREFIX} with the suffix ".classdata", so neither the
 * system class loader nor class-path scanners of the application ever see them. Parent is the
 * platform loader: the agent sees the JDK and the bridge (on the bootstrap path), never the
 * application's classes.
 *
 * <p>The rule-center clients and their libraries (some 13,000 files) are packed in bundles,
 * jars inside the agent jar ({@link Bundles}), opened only when a class or resource of theirs is
 * first asked for: an agent without a Nacos or ZooKeeper rule source never opens them, and does
 * not keep their central directory (2 MB) on the application's heap.
 */
public final class AgentClassLoader extends ClassLoader {

    /** Folder of the agent jar that holds the isolated classes and resources. */
    public static final String PREFIX = "lanes-inst/";

    static {
        registerAsParallelCapable();
    }

    private final JarFile jar;
    private final String jarUrl;
    private final Bundles bundles;

    public AgentClassLoader(File agentJar, ClassLoader parent) throws IOException {
        super(parent);
        this.jar = new JarFile(agentJar, false);
        this.jarUrl = "jar:" + agentJar.toURI() + "!/";
        this.bundles = Bundles.read(jar, agentJar);
    }

    /** The platform class loader on Java 9+, or null (bootstrap) on Java 8. */
    static ClassLoader platformLoader() {
        try {
            return (ClassLoader) ClassLoader.class.getMethod("getPlatformClassLoader").invoke(null);
        } catch (Exception e) {
            return null;
        }
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        String internal = name.replace('.', '/');
        JarEntry entry = jar.getJarEntry(PREFIX + internal + ".classdata");
        if (entry == null) {
            return findBundledClass(name, internal + ".class");
        }
        try {
            byte[] bytes = read(jar.getInputStream(entry));
            definePackageFor(name);
            return defineClass(name, bytes, 0, bytes.length, AgentClassLoader.class.getProtectionDomain());
        } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
        }
    }

    private Class<?> findBundledClass(String name, String resource) throws ClassNotFoundException {
        Bundles.Bundle bundle = bundles.forResource(resource);
        if (bundle == null) {
            throw new ClassNotFoundException(name);
        }
        try {
            byte[] bytes = bundle.read(resource);
            if (bytes == null) {
                throw new ClassNotFoundException(name);
            }
            definePackageFor(name);
            return defineClass(name, bytes, 0, bytes.length, AgentClassLoader.class.getProtectionDomain());
        } catch (IOException e) {
            throw new ClassNotFoundException(name + " (bundle " + bundle.name() + ": " + e.getMessage() + ")", e);
        }
    }

    private void definePackageFor(String className) {
        int dot = className.lastIndexOf('.');
        if (dot <= 0) {
            return;
        }
        String pkg = className.substring(0, dot);
        try {
            if (getPackageCompat(pkg) == null) {
                definePackage(pkg, null, null, null, null, null, null, null);
            }
        } catch (IllegalArgumentException raced) {
            // Another thread defined it first.
        }
    }

    @SuppressWarnings("deprecation")
    private Package getPackageCompat(String pkg) {
        return getPackage(pkg);
    }

    /** Resources map "x/Y.class" to the stored ".classdata" so Byte Buddy can read class bytes. */
    @Override
    protected URL findResource(String name) {
        String stored = storedName(name);
        if (jar.getJarEntry(stored) == null) {
            Bundles.Bundle bundle = bundles.forResource(name);
            return bundle == null ? null : bundle.url(name);
        }
        try {
            return new URL(jarUrl + stored);
        } catch (MalformedURLException e) {
            return null;
        }
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
        URL url = findResource(name);
        if (url == null) {
            return Collections.emptyEnumeration();
        }
        List<URL> list = new ArrayList<URL>(1);
        list.add(url);
        return Collections.enumeration(list);
    }

    private static String storedName(String name) {
        if (name.endsWith(".class")) {
            return PREFIX + name.substring(0, name.length() - ".class".length()) + ".classdata";
        }
        return PREFIX + name;
    }

    public static byte[] read(InputStream in) throws IOException {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(1024, in.available()));
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) != -1) {
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } finally {
            in.close();
        }
    }
}
