package dev.lanes.demo.runner;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;

/**
 * Debian's nginx as the access layer in front of the gateways (docs/nginx.md): where it is, the
 * configurations of docs/nginx.md with the ports of one run, and a running nginx started on
 * loopback with its own prefix ({@code nginx -p <dir> -c <dir>/nginx.conf -g 'daemon off;'}), so it
 * needs no root and touches nothing of a system nginx. Used by the demo and the gateway scenarios.
 */
public final class Nginx implements AutoCloseable {

    /** Where nginx is looked for besides the PATH. */
    public static final String SBIN = "/usr/sbin";

    private final ChildProcess child;
    private final Path dir;
    private final int port;

    private Nginx(ChildProcess child, Path dir, int port) {
        this.child = child;
        this.dir = dir;
        this.port = port;
    }

    /** The nginx binary on the PATH or in /usr/sbin, or null. */
    public static Path find() {
        String path = System.getenv("PATH");
        for (String dir : ((path == null ? "" : path) + File.pathSeparator + SBIN).split(File.pathSeparator)) {
            Path candidate = Paths.get(dir, "nginx");
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * Layout (a) of docs/nginx.md alone: 10 % of user keys ({@code x-user-id}, else the cookie
     * {@code uid}) to the gray gateway by {@code split_clients}, the rest to the base gateway.
     */
    public static String splitConfig(int port, int basePort, int grayPort, Path prefix) {
        return http(prefix, """
                upstream gateway_base { server 127.0.0.1:%1$d; keepalive 16; }
                upstream gateway_gray { server 127.0.0.1:%2$d; keepalive 16; }
                %3$s
                server {
                    listen 127.0.0.1:%4$d;

                    location / {
                %5$s        proxy_set_header x-lanes-tag "";
                        proxy_pass http://$by_user;
                    }
                }
                """.formatted(basePort, grayPort, SPLIT, port, proxyHeaders("x-lanes-entry", 8)));
    }

    /**
     * The whole configuration of docs/nginx.md: layout (a), 10 % of user keys to the gray gateway
     * by {@code split_clients}; layout (b), {@code x-env: dev1} to the dev1 gateway; and two
     * locations where nginx itself sets {@code x-lanes-tag} from {@code x-env}, one trusted by
     * its source address ({@code proxy_bind}), one by the shared secret.
     */
    private static String fullBody(int port, int basePort, int grayPort, int dev1Port, String source,
            String secretHeader, String secret) {
        String headers = proxyHeaders(secretHeader, 8);
        return """
                upstream gateway_base { server 127.0.0.1:%1$d; keepalive 16; }
                upstream gateway_gray { server 127.0.0.1:%2$d; keepalive 16; }
                upstream gateway_dev1 { server 127.0.0.1:%3$d; keepalive 16; }
                # The same base gateway, for the location bound to the trusted source: an upstream
                # of its own, so that kept-alive connections from another address are never reused.
                upstream gateway_base_by_source { server 127.0.0.1:%1$d; keepalive 16; }
                %4$s
                # (b) the environment header picks that environment's gateway.
                map $http_x_env $gateway {
                    dev1    gateway_dev1;
                    default $by_user;
                }
                # The lane nginx itself assigns, for the trusted locations.
                map $http_x_env $lane {
                    dev1    dev1;
                    default "";
                }

                server {
                    listen 127.0.0.1:%5$d;

                    location / {
                %6$s        proxy_set_header x-lanes-tag "";
                        proxy_pass http://$gateway;
                    }
                    # Trusted by source: the gateways trust %7$s (entry.trust.sources).
                    location /env-by-source/ {
                        proxy_bind %7$s;
                %6$s        proxy_set_header x-lanes-tag $lane;
                        proxy_pass http://gateway_base_by_source/;
                    }
                    # Trusted by the shared secret (entry.trust.secret), which the gateway strips.
                    location /env-by-secret/ {
                %6$s        proxy_set_header x-lanes-tag $lane;
                        proxy_set_header %8$s %9$s;
                        proxy_pass http://gateway_base/;
                    }
                }
                """.formatted(basePort, grayPort, dev1Port, SPLIT, port, headers, source, secretHeader, secret);
    }

    /** The whole configuration of docs/nginx.md (see below) for a run with its own prefix. */
    public static String config(int port, int basePort, int grayPort, int dev1Port, String source,
            String secretHeader, String secret, Path prefix) {
        return http(prefix, fullBody(port, basePort, grayPort, dev1Port, source, secretHeader, secret));
    }

    /** Layout (a): the user key, and 10 % of keys to the gray gateway, sticky per key. */
    private static final String SPLIT = """
            # (a) 10 % of users, by a hash of their key, to the gray gateway; sticky per key.
            map $http_x_user_id $user_key { "" $cookie_uid; default $http_x_user_id; }
            split_clients "${user_key}" $by_user {
                10%    gateway_gray;
                *      gateway_base;
            }
            """;

    private static String proxyHeaders(String secretHeader, int indent) {
        return """
                proxy_http_version 1.1;
                proxy_set_header Connection "";
                proxy_set_header Host $host;
                proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                # The client's own lane headers never pass the access layer.
                proxy_set_header %s "";
                """.formatted(secretHeader).indent(indent);
    }

    /** A whole nginx.conf: one worker, logs and temp paths under {@code prefix}, {@code body} inside http. */
    private static String http(Path prefix, String body) {
        return """
                worker_processes 1;
                error_log logs/error.log warn;
                pid logs/nginx.pid;
                events { worker_connections 512; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/temp-body;
                    proxy_temp_path %1$s/temp-proxy;
                    fastcgi_temp_path %1$s/temp-fastcgi;
                    uwsgi_temp_path %1$s/temp-uwsgi;
                    scgi_temp_path %1$s/temp-scgi;

                %2$s}
                """.formatted(prefix, body.indent(4)).replaceAll("(?m)^[ \t]+$", "");
    }

    /**
     * Writes {@code config} to {@code dir/nginx.conf} and starts {@code binary} with prefix
     * {@code dir} in the foreground; its output goes to {@code dir/logs/stdout.log}, its errors to
     * {@code dir/logs/error.log}. Stopped by {@link #close()}, and by the JVM's shutdown hook as a
     * last resort, like every process of the runner. Returns at once; see {@link #awaitListening}.
     *
     * @param port the port {@code config} listens on
     */
    public static Nginx start(Path binary, Path dir, String config, int port) throws IOException {
        Path prefix = dir.toAbsolutePath();
        Files.createDirectories(prefix.resolve("logs"));
        Path conf = prefix.resolve("nginx.conf");
        Files.writeString(conf, config);
        ChildProcess child = ChildProcess.start("nginx", List.of(binary.toString(), "-p", prefix.toString(), "-c",
                conf.toString(), "-g", "daemon off;"), prefix.resolve("logs/stdout.log"), false);
        return new Nginx(child, prefix, port);
    }

    /** Waits until nginx answers HTTP on its port (any status); throws with its logs if it exits or the time passes. */
    public void awaitListening(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(url() + "/")).timeout(Duration.ofSeconds(5)).build();
        child.awaitAnswer("port " + port, () -> {
            try {
                http.send(probe, HttpResponse.BodyHandlers.discarding());
                return true;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, timeout, 100);
    }

    /** e.g. http://127.0.0.1:41234 */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return child.pid();
    }

    public boolean isAlive() {
        return child.isAlive();
    }

    /** The prefix: nginx.conf and logs/. */
    public Path dir() {
        return dir;
    }

    /** What nginx wrote to its error log and standard output, for a failure report. */
    public String logText() {
        StringBuilder sb = new StringBuilder(child.logText());
        try {
            Path errors = dir.resolve("logs/error.log");
            if (Files.exists(errors)) {
                sb.append(Files.readString(errors));
            }
        } catch (IOException e) {
            sb.append("(error.log unreadable: ").append(e).append(')');
        }
        return sb.toString();
    }

    /** SIGTERM (nginx's fast shutdown: the master stops its workers), SIGKILL after 10 s. */
    @Override
    public void close() {
        child.stop(10_000);
    }
}
