package dev.lanes.demo.runner;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One demo instance as a real JVM: {@code java [-javaagent:..] [-Dlanes.tag=..] [jvm args]
 * -jar demo-app.jar --server.port=.. ...}, registered in ZooKeeper (or another {@link Registry}) as
 * 127.0.0.1 and its port.
 */
public final class ServiceProcess implements AutoCloseable {

    /** The LoadBalancer cache switch; the demo turns the cache off unless an instance's arguments set it. */
    public static final String LB_CACHE = "--spring.cloud.loadbalancer.cache.enabled";

    /** Short enough that an instance killed without deregistering disappears in seconds. */
    static final String ZK_SESSION_TIMEOUT = "10s";

    private final InstanceSpec spec;
    private final Launch launch;
    private final int port;
    private final int dubboPort;
    private final ChildProcess child;
    private final ChainClient http = new ChainClient(Duration.ofSeconds(5));

    private ServiceProcess(InstanceSpec spec, Launch launch, int port, int dubboPort, ChildProcess child) {
        this.spec = spec;
        this.launch = launch;
        this.port = port;
        this.dubboPort = dubboPort;
        this.child = child;
    }

    /**
     * Starts the instance and returns at once; {@link #awaitReady} waits for it.
     *
     * @param logDir its log is {@code logDir/<name>.log}
     */
    public static ServiceProcess start(Launch launch, InstanceSpec spec, String zooKeeperConnect, Path logDir)
            throws IOException {
        int port = Ports.free();
        return start(launch, spec, port, ZooKeeperProcess.clientArgs(zooKeeperConnect, port), zooKeeperConnect, logDir);
    }

    /** The same, registering in any {@link Registry}. */
    public static ServiceProcess start(Launch launch, InstanceSpec spec, Registry registry, Path logDir)
            throws IOException {
        int port = Ports.free();
        String dubboZooKeeper = registry.kind() == Registry.Kind.ZOOKEEPER ? registry.address() : null;
        return start(launch, spec, port, registry.clientArgs(spec, port), dubboZooKeeper, logDir);
    }

    private static ServiceProcess start(Launch launch, InstanceSpec spec, int port, List<String> registryArgs,
            String dubboZooKeeper, Path logDir) throws IOException {
        int dubboPort = Ports.free();
        List<String> command = command(launch, spec, registryArgs, port, dubboZooKeeper, dubboPort,
                logDir.toAbsolutePath().resolve(spec.name() + ".home"));
        ChildProcess child = ChildProcess.start(spec.name(), command, logDir.resolve(spec.name() + ".log"), false);
        return new ServiceProcess(spec, launch, port, dubboPort, child);
    }

    static List<String> command(Launch launch, InstanceSpec spec, String zooKeeperConnect, int port) {
        return command(launch, spec, ZooKeeperProcess.clientArgs(zooKeeperConnect, port), port, zooKeeperConnect, 0,
                null);
    }

    static List<String> command(Launch launch, InstanceSpec spec, List<String> registryArgs, int port) {
        return command(launch, spec, registryArgs, port, null, 0, null);
    }

    /**
     * @param dubboZooKeeper the ZooKeeper the Dubbo builds of the demo register in (null: none)
     * @param dubboPort      where a Dubbo provider listens (0: not passed on)
     * @param home           the instance's own user.home (null: unchanged): Dubbo keeps cache
     *                       files there, which instances on one machine must not share
     */
    static List<String> command(Launch launch, InstanceSpec spec, List<String> registryArgs, int port,
            String dubboZooKeeper, int dubboPort, Path home) {
        List<String> command = new ArrayList<>();
        command.add(launch.java().toString());
        if (launch.hasAgent()) {
            String args = launch.agentArgs();
            command.add("-javaagent:" + launch.agentJar() + (args == null || args.isEmpty() ? "" : "=" + args));
        }
        if (spec.tag() != null) {
            command.add("-Dlanes.tag=" + spec.tag());
        }
        if (home != null) {
            command.add("-Duser.home=" + home);
        }
        command.addAll(launch.jvmArgs());
        command.addAll(spec.jvmArgs());
        command.add("-jar");
        command.add(launch.appJar().toString());
        command.add("--server.port=" + port);
        command.add("--server.address=127.0.0.1");
        command.add("--spring.application.name=" + spec.service());
        command.add("--demo.next=" + spec.next());
        command.add("--demo.instance=" + spec.name());
        command.addAll(registryArgs);
        if (spec.appArgs().stream().noneMatch(arg -> arg.startsWith(LB_CACHE + "="))) {
            command.add(LB_CACHE + "=false");
        }
        // Used by the builds with Dubbo only: its registry is the same ZooKeeper.
        if (dubboZooKeeper != null) {
            command.add("--demo.dubbo.registry=zookeeper://" + dubboZooKeeper);
        }
        if (dubboPort > 0) {
            command.add("--demo.dubbo.port=" + dubboPort);
        }
        command.addAll(spec.appArgs());
        return command;
    }

    /** Waits until the instance answers HTTP and finds itself registered in discovery. */
    public void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!child.isAlive()) {
                throw new IllegalStateException(spec.name() + " exited with " + child.exitValueOrUnknown()
                        + " before it was ready; log " + child.log() + ":\n" + child.logTail(60));
            }
            Set<Integer> registered = discoveredPorts(spec.service());
            if (registered != null && registered.contains(port)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(spec.name() + " was not up and registered on port " + port
                        + " within " + timeout + "; log " + child.log() + ":\n" + child.logTail(60));
            }
            ZooKeeperProcess.sleep(200);
        }
    }

    /**
     * The ports of the instances of {@code serviceId} that this instance's discovery client
     * knows, or null when the instance does not answer.
     */
    public Set<Integer> discoveredPorts(String serviceId) {
        List<Map<String, Object>> known = discovered(serviceId);
        if (known == null) {
            return null;
        }
        Set<Integer> ports = new HashSet<>();
        for (Map<String, Object> instance : known) {
            if (instance.get("port") instanceof Number n) {
                ports.add(n.intValue());
            }
        }
        return ports;
    }

    /**
     * What this instance's discovery client knows of {@code serviceId}: one map per instance
     * with instanceId, host, port and metadata; null when the instance does not answer.
     */
    public List<Map<String, Object>> discovered(String serviceId) {
        String body = http.getText(baseUrl() + "/instances/" + serviceId, Duration.ofSeconds(5));
        if (body == null) {
            return null;
        }
        List<Map<String, Object>> instances = new ArrayList<>();
        if (Json.parse(body) instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> instance) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> typed = (Map<String, Object>) instance;
                    instances.add(typed);
                }
            }
        }
        return instances;
    }

    public InstanceSpec spec() {
        return spec;
    }

    public String name() {
        return spec.name();
    }

    public Launch launch() {
        return launch;
    }

    public int port() {
        return port;
    }

    /** The port a Dubbo provider of this instance listens on (when the line has Dubbo and it provides). */
    public int dubboPort() {
        return dubboPort;
    }

    /** e.g. dubbo://127.0.0.1:41235, for a direct Dubbo call to this instance. */
    public String dubboUrl() {
        return "dubbo://127.0.0.1:" + dubboPort;
    }

    /** e.g. http://127.0.0.1:41234 */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public long pid() {
        return child.pid();
    }

    public List<String> command() {
        return child.command();
    }

    public Path logFile() {
        return child.log();
    }

    public String logText() {
        return child.logText();
    }

    public boolean isAlive() {
        return child.isAlive();
    }

    public void dumpLog(PrintStream out) {
        child.dumpLog(out);
    }

    /** SIGTERM (the instance deregisters and shuts down), SIGKILL after 30 s. */
    public void stop() {
        child.stop(30_000);
    }

    /** Stops the instances in parallel (SIGTERM first, as {@link #stop()}) and waits for all of them. */
    public static void stopAll(Collection<ServiceProcess> instances) {
        List<Thread> stoppers = new ArrayList<>();
        for (ServiceProcess instance : instances) {
            Thread stopper = new Thread(instance::stop, "stop-" + instance.name());
            stopper.start();
            stoppers.add(stopper);
        }
        for (Thread stopper : stoppers) {
            try {
                stopper.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
    }

    /** SIGKILL: the instance vanishes without deregistering, as in a crash. */
    public void kill() {
        child.kill();
    }

    @Override
    public void close() {
        stop();
    }
}
