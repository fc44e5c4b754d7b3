package dev.lanes.core.routing;

import dev.lanes.bridge.AgentLog;
import dev.lanes.bridge.InstanceView;
import dev.lanes.bridge.Tags;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Instances that publish a malformed tag, each reported once: a bounded memory of those seen,
 * so that the hot path does not build log keys.
 */
final class MalformedTags {

    private static final int MAX_MALFORMED_SERVICES = 1_000;
    private static final int MAX_MALFORMED_PER_SERVICE = 1_000;

    private final ConcurrentMap<String, ConcurrentMap<String, Boolean>> malformedSeen =
            new ConcurrentHashMap<String, ConcurrentMap<String, Boolean>>();

    void warn(String service, String address, String tag) {
        String serviceKey = service == null ? "" : service;
        String addressKey = address == null ? "" : address;
        ConcurrentMap<String, Boolean> seen = malformedSeen.get(serviceKey);
        if (seen == null) {
            if (malformedSeen.size() >= MAX_MALFORMED_SERVICES) {
                return;
            }
            ConcurrentMap<String, Boolean> fresh = new ConcurrentHashMap<String, Boolean>();
            seen = malformedSeen.putIfAbsent(serviceKey, fresh);
            if (seen == null) {
                seen = fresh;
            }
        }
        if (seen.containsKey(addressKey) || seen.size() >= MAX_MALFORMED_PER_SERVICE
                || seen.putIfAbsent(addressKey, Boolean.TRUE) != null) {
            return;
        }
        AgentLog.warnOnce("malformed-instance-tag:" + serviceKey + "/" + addressKey, "instance " + addressKey
                + " of service '" + serviceKey + "' publishes malformed tag '" + AgentLog.abbreviate(tag, 80)
                + "' under metadata key " + InstanceView.TAG_KEY + " (expected 1-" + Tags.MAX_LENGTH
                + " of [A-Za-z0-9._-], starting with a letter or digit); routing treats it as a base instance");
    }
    static boolean isBlank(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            if (!Character.isWhitespace(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }}
