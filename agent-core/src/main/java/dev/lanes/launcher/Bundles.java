package dev.lanes.launcher;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Jars inside the agent jar ({@code lanes-inst/bundles/NAME.jar}) that hold libraries only some
 * agents need, with an index ({@value #INDEX}) of the resource path prefixes each one holds.
 * A bundle is copied out to a file (the JDK opens only plain files as jars) the first time one
 * of its classes or resources is asked for, then opened; a copy left by an earlier run with
 * the same content is reused. JDK only: this runs in the launcher. Public, like what it
 * calls in {@link AgentClassLoader}: the two may be defined by different loaders (the
 * application's and the bootstrap one, once the agent jar is on the bootstrap path).
 */
public final class Bundles {

    public static final String INDEX = AgentClassLoader.PREFIX + "bundles.properties";
    private static final String FOLDER = AgentClassLoader.PREFIX + "bundles/";

    private final List<String> prefixes;
    private final List<Bundle> owners;

    private Bundles(List<String> prefixes, List<Bundle> owners) {
        this.prefixes = prefixes;
        this.owners = owners;
    }

    /** The bundles the agent jar declares; none when it has no index. */
    public static Bundles read(JarFile agentJar, File agentFile) throws IOException {
        JarEntry index = agentJar.getJarEntry(INDEX);
        if (index == null) {
            return new Bundles(Collections.<String>emptyList(), Collections.<Bundle>emptyList());
        }
        Properties p = new Properties();
        InputStream in = agentJar.getInputStream(index);
        try {
            p.load(in);
        } finally {
            in.close();
        }
        List<String> prefixes = new ArrayList<String>();
        List<Bundle> owners = new ArrayList<Bundle>();
        List<Bundle> all = new ArrayList<Bundle>();
        for (String prefix : p.stringPropertyNames()) {
            String name = p.getProperty(prefix).trim();
            Bundle bundle = null;
            for (Bundle b : all) {
                if (b.name.equals(name)) {
                    bundle = b;
                }
            }
            if (bundle == null) {
                bundle = new Bundle(name, agentJar, agentFile);
                all.add(bundle);
            }
            prefixes.add(prefix);
            owners.add(bundle);
        }
        return new Bundles(prefixes, owners);
    }

    /** The bundle that holds {@code resource} ("a/b/C.class"), or null. */
    public Bundle forResource(String resource) {
        for (int i = 0, n = prefixes.size(); i < n; i++) {
            if (resource.startsWith(prefixes.get(i))) {
                return owners.get(i);
            }
        }
        return null;
    }

    /** One bundle, opened on first use. */
    public static final class Bundle {
        private final String name;
        private final JarFile agentJar;
        private final File agentFile;
        private volatile JarFile opened;
        private volatile File file;

        Bundle(String name, JarFile agentJar, File agentFile) {
            this.name = name;
            this.agentJar = agentJar;
            this.agentFile = agentFile;
        }

        public String name() {
            return name;
        }

        /** The bytes of {@code resource}, or null when the bundle does not hold it. */
        public byte[] read(String resource) throws IOException {
            JarFile jar = open();
            JarEntry entry = jar.getJarEntry(resource);
            return entry == null ? null : AgentClassLoader.read(jar.getInputStream(entry));
        }

        public URL url(String resource) {
            try {
                JarFile jar = open();
                if (jar.getJarEntry(resource) == null) {
                    return null;
                }
                return new URL("jar:" + file.toURI() + "!/" + resource);
            } catch (IOException e) {
                return null;
            }
        }

        private JarFile open() throws IOException {
            JarFile jar = opened;
            if (jar != null) {
                return jar;
            }
            synchronized (this) {
                if (opened == null) {
                    File copy = copyOut();
                    file = copy;
                    opened = new JarFile(copy, false);
                }
                return opened;
            }
        }

        /** Copies the bundle to a file named by its CRC, in the temporary folder (or ~/.lanes). */
        private File copyOut() throws IOException {
            JarEntry entry = agentJar.getJarEntry(FOLDER + name + ".jar");
            if (entry == null) {
                throw new IOException("the agent jar " + agentFile + " has no bundle " + name);
            }
            String fileName = "lanes-" + name + "-" + Long.toHexString(entry.getCrc()) + "-" + entry.getSize() + ".jar";
            IOException failure = null;
            for (File folder : new File[] {new File(System.getProperty("java.io.tmpdir"), "lanes-agent"),
                    new File(System.getProperty("user.home"), ".lanes/bundles")}) {
                try {
                    return copyTo(entry, new File(folder, fileName));
                } catch (IOException e) {
                    failure = e;
                }
            }
            throw new IOException("cannot copy bundle " + name + " out of the agent jar (tried the temporary "
                    + "folder and ~/.lanes/bundles): " + failure.getMessage(), failure);
        }

        private File copyTo(JarEntry entry, File target) throws IOException {
            if (target.isFile() && target.length() == entry.getSize()) {
                return target;
            }
            File folder = target.getParentFile();
            if (!folder.isDirectory() && !folder.mkdirs() && !folder.isDirectory()) {
                throw new IOException("cannot create " + folder);
            }
            File temporary = File.createTempFile(target.getName(), ".part", folder);
            try {
                InputStream in = agentJar.getInputStream(entry);
                OutputStream out = new FileOutputStream(temporary);
                try {
                    byte[] buffer = new byte[65536];
                    int n;
                    while ((n = in.read(buffer)) != -1) {
                        out.write(buffer, 0, n);
                    }
                } finally {
                    out.close();
                    in.close();
                }
                if (!temporary.renameTo(target) && !(target.isFile() && target.length() == entry.getSize())) {
                    throw new IOException("cannot rename " + temporary + " to " + target);
                }
            } finally {
                if (temporary.exists()) {
                    temporary.delete();
                }
            }
            return target;
        }
    }
}
