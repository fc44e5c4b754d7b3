package dev.lanes.demo.app.dubbo;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The demo's Dubbo settings ({@code demo.dubbo.*}); Dubbo starts in an instance only when it
 * provides the service, calls it, or acts as an outside client.
 */
@ConfigurationProperties(prefix = "demo.dubbo")
public class DubboSettings {

    /** Registry address, e.g. zookeeper://127.0.0.1:2181. */
    private String registry = "";
    /** Port the provider listens on; 0 lets Dubbo choose. */
    private int port;
    /** Whether this instance provides the ChainService. */
    private boolean provide;
    /** Whether this instance serves GET /dubbo/call (an outside Dubbo client, no registry routing). */
    private boolean client;
    /** Consumer discovery (Dubbo 3): "interface", "instance" or empty for Dubbo's default. */
    private String discovery = "";

    public String getRegistry() {
        return registry;
    }

    public void setRegistry(String registry) {
        this.registry = registry;
    }

    public int getPort() {
        return port;
    }

    public void setPort(int port) {
        this.port = port;
    }

    public boolean isProvide() {
        return provide;
    }

    public void setProvide(boolean provide) {
        this.provide = provide;
    }

    public boolean isClient() {
        return client;
    }

    public void setClient(boolean client) {
        this.client = client;
    }

    public String getDiscovery() {
        return discovery;
    }

    public void setDiscovery(String discovery) {
        this.discovery = discovery;
    }
}
