package dev.lanes.demo.runner;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real ZooKeeper server ({@code ZooKeeperServerMain}) in a child JVM on 127.0.0.1 and a
 * free port, with its data in a directory that {@link #close()} deletes.
 */
public final class ZooKeeperProcess implements Registry {

    /** ZooKeeper allows sessions of 2 to 20 ticks; 1 s ticks let clients ask for short sessions. */
    private static final int TICK_MILLIS = 1000;

    private final ChildProcess child;
    private final int port;
    private final Path dataDir;
    private final Runnable deleteData;

    private ZooKeeperProcess(ChildProcess child, int port, Path dataDir) {
        this.child = child;
        this.port = port;
        this.dataDir = dataDir;
        this.deleteData = () -> deleteTree(dataDir);
        ChildProcess.onExit(deleteData);
    }

    /** Starts a server with its log in {@code workDir/zookeeper.log} and waits until it answers. */
    public static ZooKeeperProcess start(Path workDir) throws IOException {
        return start(workDir, Duration.ofSeconds(60));
    }

    public static ZooKeeperProcess start(Path workDir, Duration timeout) throws IOException {
        Files.createDirectories(workDir);
        Path dataDir = Files.createTempDirectory(workDir.toAbsolutePath(), "zookeeper-data-");
        int port = Ports.free();
        Path config = dataDir.resolve("zoo.cfg");
        Files.writeString(config, String.join(System.lineSeparator(),
                "tickTime=" + TICK_MILLIS,
                "dataDir=" + dataDir.resolve("data").toAbsolutePath(),
                "clientPort=" + port,
                "clientPortAddress=127.0.0.1",
                "maxClientCnxns=0",
                "admin.enableServer=false",
                "4lw.commands.whitelist=srvr,stat",
                ""));
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx128m");
        command.add("-XX:+UseSerialGC");
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        command.add("-Dorg.slf4j.simpleLogger.log.org.apache.zookeeper.server.ZooKeeperServerMain=info");
        command.add("-cp");
        command.add(absoluteClassPath());
        command.add("org.apache.zookeeper.server.ZooKeeperServerMain");
        command.add(config.toString());
        ChildProcess child = ChildProcess.start("zookeeper", command, workDir.resolve("zookeeper.log"), true);
        ZooKeeperProcess zk = new ZooKeeperProcess(child, port, dataDir);
        try {
            zk.awaitAnswer(timeout);
        } catch (RuntimeException e) {
            zk.close();
            throw e;
        }
        return zk;
    }

    public int port() {
        return port;
    }

    /** For {@code spring.cloud.zookeeper.connect-string} and other clients. */
    public String connectString() {
        return "127.0.0.1:" + port;
    }

    @Override
    public Kind kind() {
        return Kind.ZOOKEEPER;
    }

    @Override
    public List<String> clientArgs(InstanceSpec spec, int instancePort) {
        return clientArgs(connectString(), instancePort);
    }

    /** Spring Cloud ZooKeeper discovery on this server, registered as 127.0.0.1 and the port. */
    static List<String> clientArgs(String connectString, int instancePort) {
        return List.of(
                "--spring.cloud.zookeeper.connect-string=" + connectString,
                "--spring.cloud.zookeeper.session-timeout=" + ServiceProcess.ZK_SESSION_TIMEOUT,
                "--spring.cloud.zookeeper.connection-timeout=" + ServiceProcess.ZK_SESSION_TIMEOUT,
                "--spring.cloud.zookeeper.discovery.instance-host=127.0.0.1",
                "--spring.cloud.zookeeper.discovery.instance-port=" + instancePort);
    }

    @Override
    public String address() {
        return connectString();
    }

    @Override
    public Path logFile() {
        return child.log();
    }

    @Override
    public boolean isAlive() {
        return child.isAlive();
    }

    @Override
    public void dumpLog(PrintStream out) {
        child.dumpLog(out);
    }

    /** Stops the server and deletes its data; the log stays. */
    @Override
    public void close() {
        child.stop(10_000);
        deleteTree(dataDir);
        ChildProcess.forgetCleanup(deleteData);
    }

    private void awaitAnswer(Duration timeout) {
        // 'srvr' answers with the version only once the server serves requests ('ruok' says
        // imok as soon as the port is open, even when loading the database failed).
        child.awaitAnswer(connectString(), () -> {
            String status = fourLetterWord("srvr");
            return status != null && status.startsWith("Zookeeper version");
        }, timeout, 100);
    }

    /** ZooKeeper's four-letter admin words: the server answers and closes; null when it cannot. */
    String fourLetterWord(String word) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write(word.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return null;
        }
    }

    /** The class path of this JVM, made absolute: the child may start in another directory. */
    private static String absoluteClassPath() {
        String[] entries = System.getProperty("java.class.path").split(File.pathSeparator);
        List<String> absolute = new ArrayList<>();
        for (String entry : entries) {
            if (!entry.isEmpty()) {
                absolute.add(Paths.get(entry).toAbsolutePath().toString());
            }
        }
        return String.join(File.pathSeparator, absolute);
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dir, e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }
}
