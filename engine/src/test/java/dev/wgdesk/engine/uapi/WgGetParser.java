package dev.wgdesk.engine.uapi;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A small reimplementation of how {@code wg} (wireguard-tools {@code userspace_get_device})
 * reads a {@code get} reply, to check that our replies parse the way the stock tool needs:
 * lines {@code key=value\n}; device keys only before the first {@code public_key}; numbers are
 * plain digits within range; keys are 64 hex digits; unknown keys are ignored; a blank line ends
 * the reply with the status set by {@code errno=}, which must be present (else EPROTO). Any
 * malformed line also gives EPROTO.
 */
final class WgGetParser {
    static final int EPROTO = 71;

    /** A parsed peer, values kept as text where wg keeps binary forms. */
    static final class Peer {
        String publicKey;
        String presharedKey; // null when all zero, as wg clears WGPEER_HAS_PRESHARED_KEY
        String endpointHost;
        int endpointPort = -1;
        long lastHandshakeSec;
        long lastHandshakeNsec;
        long rxBytes;
        long txBytes;
        Integer persistentKeepalive;
        final List<String> allowedIps = new ArrayList<>();
    }

    /** The parsed device, or the error. */
    static final class Result {
        int ret;
        String privateKey;
        Integer listenPort;
        Long fwmark;
        final List<Peer> peers = new ArrayList<>();
    }

    private static final Pattern HEX_KEY = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

    private WgGetParser() {}

    static Result parse(byte[] reply) {
        Result r = new Result();
        r.ret = -EPROTO;
        String all = new String(reply, StandardCharsets.ISO_8859_1);
        int at = 0;
        Peer peer = null;
        while (at < all.length()) {
            int nl = all.indexOf('\n', at);
            String line = nl < 0 ? all.substring(at) : all.substring(at, nl + 1);
            at = nl < 0 ? all.length() : nl + 1;
            if (line.equals("\n")) {
                return r; // status as set by errno=, or -EPROTO when missing
            }
            int eq = line.indexOf('=');
            if (eq < 0 || !line.endsWith("\n")) {
                break;
            }
            String key = line.substring(0, eq);
            String value = line.substring(eq + 1, line.length() - 1);
            Long n;
            switch (key) {
                case "private_key" -> {
                    if (peer != null) {
                        continue;
                    }
                    if (!HEX_KEY.matcher(value).matches()) {
                        return fail(r);
                    }
                    r.privateKey = value.toLowerCase();
                }
                case "listen_port" -> {
                    if (peer != null) {
                        continue;
                    }
                    if ((n = num(value, 0xffffL)) == null) {
                        return fail(r);
                    }
                    r.listenPort = n.intValue();
                }
                case "fwmark" -> {
                    if (peer != null) {
                        continue;
                    }
                    if ((n = num(value, 0xffffffffL)) == null) {
                        return fail(r);
                    }
                    r.fwmark = n;
                }
                case "public_key" -> {
                    peer = new Peer();
                    r.peers.add(peer);
                    if (!HEX_KEY.matcher(value).matches()) {
                        return fail(r);
                    }
                    peer.publicKey = value.toLowerCase();
                }
                case "preshared_key" -> {
                    if (peer == null) {
                        continue;
                    }
                    if (!HEX_KEY.matcher(value).matches()) {
                        return fail(r);
                    }
                    peer.presharedKey = value.chars().allMatch(c -> c == '0') ? null : value.toLowerCase();
                }
                case "endpoint" -> {
                    if (peer == null) {
                        continue;
                    }
                    if (!endpoint(peer, value)) {
                        return fail(r);
                    }
                }
                case "persistent_keepalive_interval" -> {
                    if (peer == null) {
                        continue;
                    }
                    if ((n = num(value, 0xffffL)) == null) {
                        return fail(r);
                    }
                    peer.persistentKeepalive = n.intValue();
                }
                case "allowed_ip" -> {
                    if (peer == null) {
                        continue;
                    }
                    if (!allowedIp(peer, value)) {
                        return fail(r);
                    }
                }
                case "last_handshake_time_sec", "last_handshake_time_nsec" -> {
                    if (peer == null) {
                        continue;
                    }
                    if ((n = num(value, Long.MAX_VALUE)) == null) {
                        return fail(r);
                    }
                    if (key.endsWith("_sec")) {
                        peer.lastHandshakeSec = n;
                    } else {
                        peer.lastHandshakeNsec = n;
                    }
                }
                case "rx_bytes", "tx_bytes" -> {
                    if (peer == null) {
                        continue;
                    }
                    Long u = unum(value);
                    if (u == null) {
                        return fail(r);
                    }
                    if (key.equals("rx_bytes")) {
                        peer.rxBytes = u;
                    } else {
                        peer.txBytes = u;
                    }
                }
                case "errno" -> {
                    if ((n = num(value, 0x7fffffffL)) == null) {
                        return fail(r);
                    }
                    r.ret = (int) -n;
                }
                default -> { } // unknown keys are ignored
            }
        }
        return fail(r);
    }

    private static Result fail(Result r) {
        r.ret = -EPROTO;
        return r;
    }

    /** wg's NUM(max): a leading digit, strtoull to the end, at most max. */
    private static Long num(String v, long max) {
        if (v.isEmpty() || !Character.isDigit(v.charAt(0)) || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        try {
            long n = Long.parseLong(v);
            return n > max ? null : n;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Long unum(String v) {
        if (v.isEmpty() || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        try {
            return Long.parseUnsignedLong(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** wg splits [host]:port or host:port (last colon), then resolves numerically here. */
    private static boolean endpoint(Peer peer, String value) {
        String host;
        String port;
        if (value.isEmpty()) {
            return false;
        }
        if (value.charAt(0) == '[') {
            int end = value.indexOf(']');
            if (end < 0 || end + 1 >= value.length() || value.charAt(end + 1) != ':' || end + 2 == value.length()) {
                return false;
            }
            host = value.substring(1, end);
            port = value.substring(end + 2);
        } else {
            int c = value.lastIndexOf(':');
            if (c < 0 || c + 1 == value.length()) {
                return false;
            }
            host = value.substring(0, c);
            port = value.substring(c + 1);
        }
        Long p = num(port, 0xffffL);
        if (p == null || !(IPV4.matcher(host).matches() || isIpv6Literal(host))) {
            return false;
        }
        peer.endpointHost = host;
        peer.endpointPort = p.intValue();
        return true;
    }

    private static boolean allowedIp(Peer peer, String value) {
        int slash = value.indexOf('/');
        if (slash < 0 || slash + 1 == value.length() || !Character.isDigit(value.charAt(slash + 1))) {
            return false;
        }
        String ip = value.substring(0, slash);
        if (ip.contains("%")) {
            return false; // inet_pton takes no zone
        }
        Long cidr = num(value.substring(slash + 1), Long.MAX_VALUE);
        if (cidr == null) {
            return false;
        }
        boolean ok = ip.contains(":") ? isIpv6Literal(ip) && cidr <= 128 : IPV4.matcher(ip).matches() && cidr <= 32;
        if (ok) {
            peer.allowedIps.add(value);
        }
        return ok;
    }

    /** inet_pton(AF_INET6) stand-in; a zone (%...) is allowed only in endpoints. */
    private static boolean isIpv6Literal(String s) {
        String addr = s.contains("%") ? s.substring(0, s.indexOf('%')) : s;
        if (!addr.contains(":") || !addr.matches("[0-9a-fA-F:.]+")) {
            return false;
        }
        try {
            return java.net.InetAddress.getByName(addr) != null; // a literal with ':' is never looked up
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
