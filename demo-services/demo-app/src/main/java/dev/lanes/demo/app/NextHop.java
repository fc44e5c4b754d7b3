package dev.lanes.demo.app;

import java.util.Map;

/**
 * One way to call the next service's {@code GET /chain} through the Spring Cloud load
 * balancer; {@code demo.client} picks which. Every implementation returns whatever status
 * the downstream answered with, so that a hop can relay the path and error it reported.
 */
public interface NextHop {

    /** The value of {@code demo.client} that selects this client. */
    String client();

    /** Calls {@code http://<service>/chain}; throws when no answer came at all. */
    Reply call(String service);

    /** The downstream's status and JSON body (null when it sent none). */
    final class Reply {
        final int status;
        final Map<String, Object> body;

        Reply(int status, Map<String, Object> body) {
            this.status = status;
            this.body = body;
        }
    }
}
