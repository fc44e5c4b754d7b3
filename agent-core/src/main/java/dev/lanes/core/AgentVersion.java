package dev.lanes.core;

import java.io.File;
import java.net.URL;
import java.security.CodeSource;
import java.util.jar.JarFile;

/** The agent's version, from the manifest of the jar it runs from ("dev" outside a jar). */
public final class AgentVersion {

    private static volatile String cached;

    private AgentVersion() {
    }

    public static String get() {
        String v = cached;
        if (v == null) {
            v = read();
            cached = v;
        }
        return v;
    }

    private static String read() {
        try {
            CodeSource source = AgentVersion.class.getProtectionDomain().getCodeSource();
            URL location = source == null ? null : source.getLocation();
            if (location != null && "file".equals(location.getProtocol())) {
                File file = new File(location.toURI());
                if (file.isFile()) {
                    try (JarFile jar = new JarFile(file)) {
                        String version = jar.getManifest().getMainAttributes().getValue("Implementation-Version");
                        if (version != null) {
                            return version;
                        }
                    }
                }
            }
        } catch (Exception ignored) {
            // A version is only informative.
        }
        return "dev";
    }
}
