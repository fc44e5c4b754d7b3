package dev.lanes.demo.runner;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A registry (ZooKeeper by default, or Eureka) plus a set of demo instances, started together
 * and stopped together. Start it with {@link #builder()}; it is ready when every instance sees
 * each instance of its next service in discovery.
 *
 * <pre>{@code
 * try (Topology t = Topology.builder().line(DemoLine.BOOT35)
 *         .instances("a-base", "a-gray", "b-base", "c-base", "c-gray").start()) {
 *     ChainResponse r = new ChainClient().get(t.url("a-base"), Map.of("x-lanes-tag", "gray"));
 * }
 * }</pre>
 */
public final class Topology implements AutoCloseable {

    private final Launch launch;
    private final Path workDir;
    private final Duration startTimeout;
    private final Registry registry;
    private final Map<String, ServiceProcess> instances = new LinkedHashMap<>();
    private final Set<String> outsiders;

    private Topology(Launch launch, Path workDir, Duration startTimeout, Registry registry, Set<String> outsiders) {
        this.launch = launch;
        this.outsiders = Set.copyOf(outsiders);
        this.workDir = workDir;
        this.startTimeout = startTimeout;
        this.registry = registry;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** What to start; {@link #start()} starts it. */
    public static final class Builder {
        private DemoLine line = DemoLine.DEFAULT;
        private Launch launch;
        private Path java;
        private Path agentJar;
        private String agentArgs;
        private final List<String> jvmArgs = new ArrayList<>();
        private final List<InstanceSpec> specs = new ArrayList<>();
        private final Set<String> outsiders = new HashSet<>();
        private Path workDir;
        private Duration startTimeout = Duration.ofSeconds(180);
        private Registry.Kind registryKind = Registry.Kind.ZOOKEEPER;

        private Builder() {
        }

        /** The Spring line whose jar to run; default {@link DemoLine#DEFAULT}. */
        public Builder line(DemoLine demoLine) {
            this.line = demoLine;
            return this;
        }

        /** A complete launch template; overrides line(), and java(), agent() and jvmArgs() apply on top. */
        public Builder launch(Launch template) {
            this.launch = template;
            return this;
        }

        /** A java binary or JDK home; default this JVM's. */
        public Builder java(Path javaBinaryOrHome) {
            this.java = javaBinaryOrHome;
            return this;
        }

        /** Attaches the agent to every instance; args may be null. */
        public Builder agent(Path jar, String args) {
            this.agentJar = jar;
            this.agentArgs = args;
            return this;
        }

        /**
         * The registry; default ZooKeeper. Eureka needs a line whose jar has the Eureka client
         * (boot35) and the built {@code demo-services/eureka-server}.
         */
        public Builder registry(Registry.Kind kind) {
            this.registryKind = kind;
            return this;
        }

        /** JVM arguments for every instance, after the launch template's. */
        public Builder jvmArgs(String... args) {
            jvmArgs.addAll(List.of(args));
            return this;
        }

        /** Demo shorthand names: "a-base", "a-gray", "c-dev1" (see {@link InstanceSpec#of}). */
        public Builder instances(String... shortNames) {
            for (String name : shortNames) {
                specs.add(InstanceSpec.of(name));
            }
            return this;
        }

        public Builder instance(InstanceSpec spec) {
            specs.add(spec);
            return this;
        }

        /**
         * An instance that runs without the agent, such as an outside client: it shares the
         * topology's ZooKeeper, logs and life cycle, but Lanes never acts in it.
         */
        public Builder outsider(InstanceSpec spec) {
            specs.add(spec);
            outsiders.add(spec.name());
            return this;
        }

        /** Where logs go; default a new temporary directory. Logs are kept after close(). */
        public Builder workDir(Path dir) {
            this.workDir = dir;
            return this;
        }

        /** How long all instances together may take to be ready; default 180 s. */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        /**
         * Starts the registry, then every instance at once, and waits until all are registered
         * and see their downstream. On failure it prints every log, stops everything and throws.
         */
        public Topology start() throws IOException {
            Launch effective = launch != null ? launch : Launch.of(line);
            if (java != null) {
                effective = effective.withJava(java);
            }
            if (agentJar != null) {
                effective = effective.withAgent(agentJar, agentArgs);
            }
            if (!jvmArgs.isEmpty()) {
                effective = effective.plusJvmArgs(jvmArgs.toArray(new String[0]));
            }
            Set<String> names = new HashSet<>();
            for (InstanceSpec spec : specs) {
                if (!names.add(spec.name())) {
                    throw new IllegalArgumentException("instance: '" + spec.name()
                            + "' is listed twice; expected unique instance names");
                }
            }
            Path dir = workDir != null ? workDir : Files.createTempDirectory("lanes-topology-");
            Files.createDirectories(dir);
            Registry registry = registryKind == Registry.Kind.EUREKA ? EurekaProcess.start(dir)
                    : ZooKeeperProcess.start(dir);
            Topology topology = new Topology(effective, dir.toAbsolutePath(), startTimeout, registry, outsiders);
            try {
                topology.startInstances(specs);
                return topology;
            } catch (RuntimeException | IOException e) {
                System.err.println("lanes-demo: the topology did not start (" + e.getMessage()
                        + "); logs of every process follow");
                topology.dumpLogs(System.err);
                topology.close();
                throw e;
            }
        }
    }

    public Registry registry() {
        return registry;
    }

    /** The ZooKeeper server; the error says when this topology runs on another registry. */
    public ZooKeeperProcess zooKeeper() {
        if (registry instanceof ZooKeeperProcess zk) {
            return zk;
        }
        throw new IllegalStateException("this topology runs on " + registry.kind() + ", not ZooKeeper");
    }

    public Launch launch() {
        return launch;
    }

    public Path workDir() {
        return workDir;
    }

    /** The running instance with that display name; the error lists the known ones. */
    public ServiceProcess instance(String name) {
        ServiceProcess instance = instances.get(name);
        if (instance == null) {
            throw new IllegalArgumentException("instance: '" + name + "' is not in this topology; expected one of "
                    + instances.keySet());
        }
        return instance;
    }

    /** e.g. url("a-base") is http://127.0.0.1:41234 */
    public String url(String name) {
        return instance(name).baseUrl();
    }

    public Collection<ServiceProcess> instances() {
        return List.copyOf(instances.values());
    }

    /** Adds an instance to the running topology and waits until it is ready and seen. */
    public ServiceProcess startInstance(InstanceSpec spec) throws IOException {
        startInstances(List.of(spec));
        return instance(spec.name());
    }

    /** Adds instances to the running topology, all at once, and waits until all are ready and seen. */
    public void startInstances(List<InstanceSpec> specs) throws IOException {
        for (InstanceSpec spec : specs) {
            if (instances.containsKey(spec.name())) {
                throw new IllegalArgumentException("instance: '" + spec.name() + "' already runs in this topology");
            }
        }
        List<ServiceProcess> started = new ArrayList<>();
        for (InstanceSpec spec : specs) {
            started.add(launchInstance(spec));
        }
        long deadline = System.nanoTime() + startTimeout.toNanos();
        for (ServiceProcess instance : started) {
            instance.awaitReady(remaining(deadline));
        }
        awaitDiscovery(remaining(deadline));
    }

    /** Stops an instance (SIGTERM: it deregisters) and waits until the others no longer see it. */
    public void stopInstance(String name) {
        instance(name).stop();
        instances.remove(name);
        awaitDiscovery(startTimeout);
    }

    /**
     * Waits until each running instance with a next service sees exactly the running
     * instances of that service in its discovery client.
     */
    public void awaitDiscovery(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ServiceProcess caller : instances.values()) {
            // A Dubbo provider of the demo registers with Spring Cloud too: its discovery shows it.
            String next = caller.spec().nextService();
            if (next.isEmpty()) {
                continue;
            }
            while (true) {
                Set<Integer> expected = portsOf(next);
                Set<Integer> seen = caller.discoveredPorts(next);
                if (expected.equals(seen)) {
                    break;
                }
                if (!caller.isAlive()) {
                    throw new IllegalStateException(caller.name() + " exited while waiting for discovery; log "
                            + caller.logFile() + ":\n" + caller.logText());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(caller.name() + " sees instances on ports " + seen + " of "
                            + next + " after " + timeout + "; expected " + expected);
                }
                ZooKeeperProcess.sleep(200);
            }
        }
    }

    /** Prints the log of every process this topology started, to standard error. */
    public void dumpLogs() {
        dumpLogs(System.err);
    }

    public void dumpLogs(PrintStream out) {
        registry.dumpLog(out);
        for (ServiceProcess instance : instances.values()) {
            instance.dumpLog(out);
        }
        out.flush();
    }

    /** Stops every instance (in parallel, SIGTERM first), then the registry. Logs stay in workDir. */
    @Override
    public void close() {
        ServiceProcess.stopAll(instances.values());
        registry.close();
    }

    private ServiceProcess launchInstance(InstanceSpec spec) throws IOException {
        Launch own = outsiders.contains(spec.name()) ? launch.withoutAgent() : launch;
        ServiceProcess instance = ServiceProcess.start(own, spec, registry, workDir);
        instances.put(spec.name(), instance);
        return instance;
    }

    private Set<Integer> portsOf(String service) {
        Set<Integer> ports = new HashSet<>();
        for (ServiceProcess instance : instances.values()) {
            if (instance.spec().service().equals(service)) {
                ports.add(instance.port());
            }
        }
        return ports;
    }

    private static Duration remaining(long deadlineNanos) {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }
}
