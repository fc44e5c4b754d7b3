package dev.lanes.core.rules;

import dev.lanes.bridge.RequestView;
import java.security.MessageDigest;
import java.nio.charset.Charset;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The trust boundary (DESIGN row 10, the rules' top-level {@code entry}): which applications are
 * entries besides every gateway, and which sources an entry trusts with a tag or carried headers:
 * peers in the listed address ranges, and requests that carry the shared secret header the
 * access layer adds. Everything else arriving at an entry is treated as untagged.
 */
public final class EntryTrust {

    /** No rule: gateways are entries that trust no source; services are not entries. */
    public static final EntryTrust NONE = new EntryTrust(Collections.<String>emptyList(),
            Collections.<AddressRange>emptyList(), null, null);

    private static final Charset UTF_8 = Charset.forName("UTF-8");

    private final List<String> services;
    private final List<AddressRange> sources;
    private final String secretHeader;
    private final byte[] secretValue;

    /**
     * @param secretHeader lower-case header name, or null for none
     * @param secretValue  its value, or null for none
     */
    public EntryTrust(List<String> services, List<AddressRange> sources, String secretHeader, String secretValue) {
        this.services = Collections.unmodifiableList(services);
        this.sources = Collections.unmodifiableList(sources);
        this.secretHeader = secretHeader;
        this.secretValue = secretValue == null ? null : secretValue.getBytes(UTF_8);
    }

    /** The applications, besides every gateway, that are entries. */
    public List<String> services() {
        return services;
    }

    public List<AddressRange> sources() {
        return sources;
    }

    /** The lower-case name of the shared-secret header, or null. */
    public String secretHeader() {
        return secretHeader;
    }

    /** Whether an application of this name, a gateway or not, is an entry. */
    public boolean isEntry(String applicationName, boolean gateway) {
        return gateway || applicationName != null && services.contains(applicationName);
    }

    /**
     * Whether a request that reaches an entry comes from a trusted source: its direct peer is in
     * one of the ranges, or it carries the secret. The peer is the TCP peer; forwarding headers
     * such as {@code X-Forwarded-For} are never read, since any client can write them.
     */
    public boolean trusts(RequestView request) {
        if (request == null) {
            return false;
        }
        if (secretHeader != null) {
            String value = request.header(secretHeader);
            // Compared in constant time, so that timing tells nothing of the secret.
            if (value != null && MessageDigest.isEqual(value.getBytes(UTF_8), secretValue)) {
                return true;
            }
        }
        if (!sources.isEmpty()) {
            byte[] peer = AddressRange.parseAddress(request.remoteAddress());
            if (peer != null) {
                for (int i = 0, n = sources.size(); i < n; i++) {
                    if (sources.get(i).contains(peer)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** An IPv4 or IPv6 address range in CIDR notation, such as 10.0.8.0/24 or fd00::/8. */
    public static final class AddressRange {

        private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
        private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

        private final String text;
        private final byte[] network;
        private final int prefix;

        private AddressRange(String text, byte[] network, int prefix) {
            this.text = text;
            this.network = network;
            this.prefix = prefix;
        }

        /**
         * Parses "ADDRESS/BITS" or a single address (all bits); null when malformed. An address is
         * a literal only: no host name is ever looked up.
         */
        public static AddressRange parse(String text) {
            if (text == null) {
                return null;
            }
            int slash = text.indexOf('/');
            String address = slash < 0 ? text : text.substring(0, slash);
            byte[] bytes = parseAddress(address);
            if (bytes == null) {
                return null;
            }
            int bits = bytes.length * 8;
            if (slash >= 0) {
                String digits = text.substring(slash + 1);
                if (!digits.matches("[0-9]{1,3}")) {
                    return null;
                }
                bits = Integer.parseInt(digits);
                if (bits > bytes.length * 8) {
                    return null;
                }
            }
            return new AddressRange(text, mask(bytes, bits), bits);
        }

        /** The bytes of an IPv4 or IPv6 literal (an IPv4-mapped IPv6 address gives 4), or null. */
        static byte[] parseAddress(String address) {
            if (address == null || address.isEmpty() || address.length() > 64) {
                return null;
            }
            String literal = address;
            if (literal.startsWith("[") && literal.endsWith("]")) {
                literal = literal.substring(1, literal.length() - 1);
            }
            int zone = literal.indexOf('%');
            if (zone >= 0) {
                literal = literal.substring(0, zone);
            }
            if (IPV4.matcher(literal).matches()) {
                String[] parts = literal.split("\\.");
                byte[] bytes = new byte[4];
                for (int i = 0; i < 4; i++) {
                    int v = Integer.parseInt(parts[i]);
                    if (v > 255) {
                        return null;
                    }
                    bytes[i] = (byte) v;
                }
                return bytes;
            }
            if (!IPV6.matcher(literal).matches()) {
                return null;
            }
            try {
                // A literal of these characters only, so this never asks a name server.
                return java.net.InetAddress.getByName(literal).getAddress();
            } catch (Exception e) {
                return null;
            }
        }

        private static byte[] mask(byte[] bytes, int bits) {
            byte[] out = bytes.clone();
            for (int i = 0; i < out.length; i++) {
                int keep = Math.max(0, Math.min(8, bits - i * 8));
                out[i] = (byte) (out[i] & (0xff << (8 - keep)));
            }
            return out;
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            byte[] masked = mask(address, prefix);
            for (int i = 0; i < masked.length; i++) {
                if (masked[i] != network[i]) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
