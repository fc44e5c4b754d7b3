package dev.lanes.demo.dubbo;

import java.util.Map;

/**
 * The demo's Dubbo service: the same answer as {@code GET /chain} (hops, and the error of a
 * failed downstream call), as a map so that every Dubbo version serializes it alike.
 */
public interface ChainService {

    /** Serves one request; {@code argument} is business data passed on down the chain (may be null). */
    Map<String, Object> chain(String argument);
}
