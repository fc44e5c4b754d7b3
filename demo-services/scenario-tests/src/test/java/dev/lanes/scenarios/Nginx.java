package dev.lanes.scenarios;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Debian's nginx for the gateway scenarios: where it is, and the access layer's configuration
 * of docs/nginx.md with the ports of one test run. Started on loopback with its own prefix, so
 * it needs no root and touches nothing of a system nginx.
 */
final class Nginx {

    private Nginx() {
    }

    /** The nginx binary on the PATH or in /usr/sbin, or null. */
    static Path find() {
        String path = System.getenv("PATH");
        for (String dir : ((path == null ? "" : path) + File.pathSeparator + "/usr/sbin").split(File.pathSeparator)) {
            Path candidate = Paths.get(dir, "nginx");
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * The configuration of docs/nginx.md: layout (a), 10 % of user keys to the gray gateway by
     * {@code split_clients}; layout (b), {@code x-env: dev1} to the dev1 gateway; and two
     * locations where nginx itself sets {@code x-lanes-tag} from {@code x-env}, one trusted by
     * its source address ({@code proxy_bind}), one by the shared secret.
     */
    static String config(int port, int basePort, int grayPort, int dev1Port, String source, String secretHeader,
                         String secret, Path prefix) {
        String headers = """
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_set_header Host $host;
                        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                        # The client's own lane headers never pass the access layer.
                        proxy_set_header %s "";
                """.formatted(secretHeader);
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

                    upstream gateway_base { server 127.0.0.1:%2$d; keepalive 16; }
                    upstream gateway_gray { server 127.0.0.1:%3$d; keepalive 16; }
                    upstream gateway_dev1 { server 127.0.0.1:%4$d; keepalive 16; }
                    # The same base gateway, for the location bound to the trusted source: an upstream
                    # of its own, so that kept-alive connections from another address are never reused.
                    upstream gateway_base_by_source { server 127.0.0.1:%2$d; keepalive 16; }

                    # (a) 10 %% of users, by a hash of their key, to the gray gateway; sticky per key.
                    map $http_x_user_id $user_key { "" $cookie_uid; default $http_x_user_id; }
                    split_clients "${user_key}" $by_user {
                        10%%    gateway_gray;
                        *      gateway_base;
                    }
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
                %6$s            proxy_set_header x-lanes-tag "";
                            proxy_pass http://$gateway;
                        }
                        # Trusted by source: the gateways trust %7$s (entry.trust.sources).
                        location /env-by-source/ {
                            proxy_bind %7$s;
                %6$s            proxy_set_header x-lanes-tag $lane;
                            proxy_pass http://gateway_base_by_source/;
                        }
                        # Trusted by the shared secret (entry.trust.secret), which the gateway strips.
                        location /env-by-secret/ {
                %6$s            proxy_set_header x-lanes-tag $lane;
                            proxy_set_header %8$s %9$s;
                            proxy_pass http://gateway_base/;
                        }
                    }
                }
                """.formatted(prefix, basePort, grayPort, dev1Port, port, headers.indent(12).stripTrailing() + "\n",
                source, secretHeader, secret);
    }
}
