package dev.lanes.plugin.dubbo.common;

import dev.lanes.bridge.InstanceView;
import dev.lanes.bridge.Tags;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.rpc.Invoker;

/**
 * How the routing engine reads a Dubbo provider {@link Invoker}: tag and start time from the
 * parameters of its URL ({@code lanes.tag}, {@code lanes.start}, else Dubbo's own
 * {@code timestamp}), address as "host:port". With interface-level discovery the parameters
 * come from the provider URL in the registry; with application-level discovery (3.x) from the
 * instance metadata, which the URL of the invoker falls back to.
 */
@SuppressWarnings("rawtypes")
public final class InvokerView implements InstanceView<Invoker> {

    public static final InvokerView INSTANCE = new InvokerView();

    /** Dubbo's own provider start time, which its warm-up uses. */
    static final String DUBBO_TIMESTAMP_KEY = "timestamp";

    private static final int SLOTS = 256;
    private static final int MASK = SLOTS - 1;
    // Racy but benign: entries are immutable and a lost write only costs a re-parse.
    private final StartEntry[] starts = new StartEntry[SLOTS];

    private InvokerView() {
    }

    @Override
    public String tag(Invoker invoker) {
        URL url = urlOf(invoker);
        String raw = url == null ? null : url.getParameter(TAG_KEY);
        if (raw == null || raw.isEmpty() || Tags.isValid(raw)) {
            return raw == null || raw.isEmpty() ? null : raw;
        }
        return Tags.fromOutside(raw, "Dubbo provider parameter " + TAG_KEY);
    }

    @Override
    public long startMillis(Invoker invoker) {
        URL url = urlOf(invoker);
        if (url == null) {
            return -1L;
        }
        String raw = url.getParameter(START_KEY);
        if (raw == null) {
            raw = url.getParameter(DUBBO_TIMESTAMP_KEY);
        }
        if (raw == null) {
            return -1L;
        }
        int slot = raw.hashCode() & MASK;
        StartEntry entry = starts[slot];
        if (entry != null && entry.raw.equals(raw)) {
            return entry.millis;
        }
        long millis = InstanceView.parseStartMillis(raw);
        starts[slot] = new StartEntry(raw, millis);
        return millis;
    }

    @Override
    public String address(Invoker invoker) {
        URL url = urlOf(invoker);
        return url == null ? null : url.getAddress();
    }

    private static URL urlOf(Invoker invoker) {
        return invoker == null ? null : invoker.getUrl();
    }

    static final class StartEntry {
        final String raw;
        final long millis;

        StartEntry(String raw, long millis) {
            this.raw = raw;
            this.millis = millis;
        }
    }
}
