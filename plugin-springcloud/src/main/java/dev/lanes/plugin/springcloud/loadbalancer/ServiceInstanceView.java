package dev.lanes.plugin.springcloud.loadbalancer;

import dev.lanes.bridge.InstanceView;
import dev.lanes.bridge.Tags;
import org.springframework.cloud.client.ServiceInstance;

import java.util.Map;

/**
 * How the routing engine reads a Spring Cloud {@link ServiceInstance}: tag and start time from
 * its metadata ({@code lanes.tag} / {@code lanes.start}, or Consul's {@code lanes_tag} /
 * {@code lanes_start}), address as "host:port". Parsed values are kept in small lock-free
 * caches keyed by the raw strings, since registries hand out new instance objects often.
 */
public final class ServiceInstanceView implements InstanceView<ServiceInstance> {

    public static final ServiceInstanceView INSTANCE = new ServiceInstanceView();

    /** Consul's spelling of {@link #TAG_KEY}: Consul allows only [A-Za-z0-9_-] in metadata keys. */
    public static final String CONSUL_TAG_KEY = "lanes_tag";
    /** Consul's spelling of {@link #START_KEY}. */
    public static final String CONSUL_START_KEY = "lanes_start";

    private static final int SLOTS = 256;
    private static final int MASK = SLOTS - 1;

    // Racy but benign: entries are immutable and a lost write only costs a re-parse.
    private final StartEntry[] starts = new StartEntry[SLOTS];
    private final AddressEntry[] addresses = new AddressEntry[SLOTS];

    ServiceInstanceView() {
    }

    @Override
    public String tag(ServiceInstance instance) {
        String raw = metadata(instance, TAG_KEY, CONSUL_TAG_KEY);
        if (raw == null || Tags.isValid(raw)) {
            return raw;
        }
        return Tags.fromOutside(raw, "instance metadata lanes.tag");
    }

    @Override
    public long startMillis(ServiceInstance instance) {
        String raw = metadata(instance, START_KEY, CONSUL_START_KEY);
        if (raw == null) {
            return -1L;
        }
        int slot = raw.hashCode() & MASK;
        StartEntry entry = starts[slot];
        if (entry != null && entry.raw.equals(raw)) {
            return entry.millis;
        }
        long millis = parseMillis(raw);
        starts[slot] = new StartEntry(raw, millis);
        return millis;
    }

    @Override
    public String address(ServiceInstance instance) {
        if (instance == null) {
            return null;
        }
        String host = instance.getHost();
        int port = instance.getPort();
        if (host == null) {
            return ":" + port;
        }
        int slot = (host.hashCode() * 31 + port) & MASK;
        AddressEntry entry = addresses[slot];
        if (entry != null && entry.port == port && entry.host.equals(host)) {
            return entry.address;
        }
        String address = host + ":" + port;
        addresses[slot] = new AddressEntry(host, port, address);
        return address;
    }

    private static String metadata(ServiceInstance instance, String key, String altKey) {
        if (instance == null) {
            return null;
        }
        Map<String, String> metadata = instance.getMetadata();
        if (metadata == null) {
            return null;
        }
        String value = metadata.get(key);
        return value != null ? value : metadata.get(altKey);
    }

    /** Epoch millis from metadata; -1 for anything that is not a positive decimal number. */
    static long parseMillis(String raw) {
        return InstanceView.parseStartMillis(raw);
    }

    static final class StartEntry {
        final String raw;
        final long millis;

        StartEntry(String raw, long millis) {
            this.raw = raw;
            this.millis = millis;
        }
    }

    static final class AddressEntry {
        final String host;
        final int port;
        final String address;

        AddressEntry(String host, int port, String address) {
            this.host = host;
            this.port = port;
            this.address = address;
        }
    }
}
