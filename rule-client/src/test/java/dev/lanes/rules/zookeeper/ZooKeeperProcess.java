package dev.lanes.rules.zookeeper;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real ZooKeeper server, {@code ZooKeeperServerMain} from the zookeeper jar, in a child JVM on
 * 127.0.0.1 with a free port and a temporary data directory. It can be stopped and started
 * again on the same port and data, as a server that goes away and comes back.
 */
public final class ZooKeeperProcess implements AutoCloseable {

    private final int port;
    private final Path dataDir;
    private final Path log;
    private Process process;

    private ZooKeeperProcess(int port, Path dataDir) throws IOException {
        this.port = port;
        this.dataDir = dataDir;
        this.log = Files.createTempFile("lanes-zookeeper-", ".log");
    }

    /** Starts a server and waits until it accepts connections. */
    public static ZooKeeperProcess start() throws Exception {
        ZooKeeperProcess zk = new ZooKeeperProcess(freePort(), Files.createTempDirectory("lanes-zookeeper-"));
        zk.startAgain();
        return zk;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    public String connectString() {
        return "127.0.0.1:" + port;
    }

    /** Starts the server (again), on the same port and data directory. */
    public synchronized void startAgain() throws Exception {
        if (process != null && process.isAlive()) {
            return;
        }
        Path config = dataDir.resolve("zoo.cfg");
        Files.writeString(config, "tickTime=500\nminSessionTimeout=1000\ndataDir=" + dataDir.toAbsolutePath()
                + "\nclientPort=" + port + "\nclientPortAddress=127.0.0.1\nadmin.enableServer=false\n"
                + "4lw.commands.whitelist=ruok\n");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx128m");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Dzookeeper.admin.enableServer=false");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("org.apache.zookeeper.server.ZooKeeperServerMain");
        command.add(config.toString());
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("ZooKeeper exited with " + process.exitValue() + ":\n"
                        + Files.readString(log));
            }
            if (ruok()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("ZooKeeper did not start within 30 s:\n" + Files.readString(log));
    }

    private boolean ruok() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            s.setSoTimeout(1000);
            s.getOutputStream().write("ruok".getBytes());
            s.shutdownOutput();
            byte[] answer = s.getInputStream().readAllBytes();
            return new String(answer).equals("imok");
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops the server at once, as a crash would; its data stays. */
    public synchronized void stop() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            process = null;
        }
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws Exception {
        stop();
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        Files.deleteIfExists(log);
    }
}
