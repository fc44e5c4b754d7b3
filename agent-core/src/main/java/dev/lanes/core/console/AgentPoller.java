package dev.lanes.core.console;

import dev.lanes.core.rules.source.AgentAnnouncement;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Reads one agent's admin endpoint: {@code GET /lanes} (JSON, read as YAML) and {@code GET /lanes/metrics}. */
final class AgentPoller {

    private final int timeoutMillis;

    AgentPoller(int timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    /** Never throws: an agent that does not answer is a sample that says why. */
    AgentSample poll(String target, AgentAnnouncement announcement) {
        long now = System.currentTimeMillis();
        try {
            Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(get(target, "/lanes"));
            if (!(doc instanceof Map)) {
                return AgentSample.unreachable(target, announcement, now, "GET /lanes did not answer a JSON object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> state = (Map<String, Object>) doc;
            return AgentSample.answered(target, announcement, now, state,
                    PrometheusText.parse(get(target, "/lanes/metrics")));
        } catch (IOException | RuntimeException e) {
            return AgentSample.unreachable(target, announcement, now, describe(e));
        }
    }

    private String get(String target, String path) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL("http://" + target + path).openConnection();
        c.setConnectTimeout(timeoutMillis);
        c.setReadTimeout(timeoutMillis);
        try {
            int status = c.getResponseCode();
            if (status != 200) {
                throw new IOException("GET " + path + " answered " + status);
            }
            InputStream in = c.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
            }
            in.close();
            return new String(out.toByteArray(), StandardCharsets.UTF_8);
        } finally {
            c.disconnect();
        }
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        return e instanceof java.net.ConnectException ? "connection refused"
                : e instanceof java.net.SocketTimeoutException ? "no answer within the timeout"
                : e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
