package dev.wgdesk.engine.uapi;

import dev.wgdesk.engine.crypto.KeyFormatException;
import dev.wgdesk.engine.crypto.PresharedKey;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.crypto.PublicKey;
import java.util.Arrays;

/**
 * Parses and applies the lines of one {@code set} request, each as soon as it is read, with the
 * semantics of wireguard-go's {@code IpcSetOperation}:
 *
 * <ul>
 *   <li>Device keys ({@code private_key}, {@code listen_port}, {@code fwmark},
 *       {@code replace_peers}) are accepted only before the first {@code public_key}; after it
 *       they are unknown peer keys (EINVAL).</li>
 *   <li>{@code public_key} ends the previous peer's section and selects a peer. A key equal to
 *       the device's own public key selects a "dummy": later lines are still validated, but
 *       nothing reaches the device.</li>
 *   <li>Any malformed value, unknown key or value other than {@code true} for the boolean keys is
 *       EINVAL; a line without {@code =} is EPROTO. The first error ends the request; lines
 *       before it stay applied.</li>
 * </ul>
 *
 * <p>One difference in mechanism, not in outcome: wireguard-go creates a missing peer as soon as
 * it reads {@code public_key} and deletes it again when {@code update_only=true} follows. Here
 * the peer is created only when a line needs it or its section ends, so an {@code update_only}
 * for a missing peer never creates it at all. The resulting device state is the same.
 *
 * <p>Values are parsed in place from the line buffer ({@link AsciiSlice}), so keys never become
 * Strings. Error messages name known keys only: an unknown key could be pasted key material.
 * Not thread-safe; one instance per request.
 */
final class SetOperation {
    private static final String[] KNOWN_KEYS = {
        "private_key", "listen_port", "fwmark", "replace_peers", "public_key", "update_only", "remove",
        "preshared_key", "endpoint", "persistent_keepalive_interval", "replace_allowed_ips", "allowed_ip",
        "protocol_version",
    };

    private final UapiTarget target;
    private boolean deviceSection = true;
    private PeerCursor peer;

    /** The peer whose section is being read. */
    private static final class PeerCursor {
        final PublicKey publicKey;
        /** True when lines are validated but not applied: our own key, removed, or update-only and missing. */
        boolean dummy;
        /** Null while the peer does not exist yet (or for a dummy). */
        UapiTarget.PeerHandle handle;
        /** True when this section created the peer. */
        boolean created;
        boolean keepaliveTurnedOn;

        PeerCursor(PublicKey publicKey) {
            this.publicKey = publicKey;
        }
    }

    SetOperation(UapiTarget target) {
        this.target = target;
    }

    /** Applies one line (without its newline; not blank). */
    void line(byte[] buf, int len) throws UapiException {
        int eq = -1;
        for (int i = 0; i < len; i++) {
            if (buf[i] == '=') {
                eq = i;
                break;
            }
        }
        if (eq < 0) {
            throw new UapiException(UapiError.PROTOCOL, "request line is not key=value");
        }
        String key = knownKey(buf, eq);
        AsciiSlice value = new AsciiSlice(buf, eq + 1, len);
        if ("public_key".equals(key)) {
            startPeer(value);
        } else if (deviceSection) {
            deviceLine(key, value, eq);
        } else {
            peerLine(key, value, eq);
        }
    }

    /** Ends the request: finishes the current peer's section. Also called after an error. */
    void end() throws UapiException {
        finishPeer();
    }

    /* ---------------- device section ---------------- */

    private void deviceLine(String key, AsciiSlice value, int keyLength) throws UapiException {
        if (key == null) {
            throw invalid("unknown device key (" + keyLength + " bytes)");
        }
        switch (key) {
            case "private_key" -> target.setPrivateKey(parsePrivateKey(value));
            case "listen_port" -> target.setListenPort((int) parseNumber(key, value, 0xffff));
            case "fwmark" -> target.setFwmark((int) parseNumber(key, value, 0xffff_ffffL));
            case "replace_peers" -> {
                requireTrue(key, value);
                target.removeAllPeers();
            }
            default -> throw invalid("invalid device key " + key);
        }
    }

    /** Parses a private key; {@code null} for the all-zero key. Clamps as Curve25519 requires. */
    private static PrivateKey parsePrivateKey(AsciiSlice value) throws UapiException {
        PrivateKey raw;
        try {
            raw = PrivateKey.fromHex(value);
        } catch (KeyFormatException e) {
            throw invalid("private_key: " + e.getMessage());
        }
        byte[] bytes = raw.toBytes();
        raw.destroy();
        try {
            if (isZero(bytes)) {
                return null;
            }
            PrivateKey.clamp(bytes);
            return PrivateKey.fromBytes(bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static boolean isZero(byte[] b) {
        int acc = 0;
        for (byte x : b) {
            acc |= x;
        }
        return acc == 0;
    }

    /* ---------------- peer sections ---------------- */

    private void startPeer(AsciiSlice value) throws UapiException {
        finishPeer();
        deviceSection = false;
        PublicKey publicKey;
        try {
            publicKey = PublicKey.fromHex(value);
        } catch (KeyFormatException e) {
            throw invalid("public_key: " + e.getMessage());
        }
        PeerCursor cursor = new PeerCursor(publicKey);
        PublicKey own = target.publicKey();
        if (own != null && own.equals(publicKey)) {
            cursor.dummy = true;
        } else {
            cursor.handle = target.peer(publicKey, false);
        }
        peer = cursor;
    }

    private void peerLine(String key, AsciiSlice value, int keyLength) throws UapiException {
        if (key == null) {
            throw invalid("unknown peer key (" + keyLength + " bytes)");
        }
        PeerCursor p = peer;
        if (p == null) {
            throw invalid("peer key without a selected peer");
        }
        switch (key) {
            case "update_only" -> {
                requireTrue(key, value);
                if (!p.dummy && p.handle == null) {
                    p.dummy = true; // missing: never create it
                } else if (!p.dummy && p.created) {
                    p.handle.remove(); // created earlier in this section
                    p.handle = null;
                    p.dummy = true;
                }
            }
            case "remove" -> {
                requireTrue(key, value);
                if (!p.dummy && p.handle != null) {
                    p.handle.remove();
                }
                p.handle = null;
                p.dummy = true;
            }
            case "preshared_key" -> {
                PresharedKey psk;
                try {
                    psk = PresharedKey.fromHex(value);
                } catch (KeyFormatException e) {
                    throw invalid("preshared_key: " + e.getMessage());
                }
                if (p.dummy) {
                    psk.destroy();
                } else {
                    handle(p).setPresharedKey(psk);
                }
            }
            case "endpoint" -> {
                var endpoint = parseAddress(key, () -> IpText.parseEndpoint(value));
                if (!p.dummy) {
                    handle(p).setEndpoint(endpoint);
                }
            }
            case "persistent_keepalive_interval" -> {
                int seconds = (int) parseNumber(key, value, 0xffff);
                if (!p.dummy) {
                    int previous = handle(p).setPersistentKeepalive(seconds);
                    p.keepaliveTurnedOn = previous == 0 && seconds != 0;
                }
            }
            case "replace_allowed_ips" -> {
                requireTrue(key, value);
                if (!p.dummy) {
                    handle(p).clearAllowedIps();
                }
            }
            case "allowed_ip" -> {
                boolean remove = value.length() > 0 && value.charAt(0) == '-';
                CharSequence text = remove ? value.subSequence(1, value.length()) : value;
                IpPrefix prefix = parseAddress(key, () -> IpPrefix.parse(text));
                if (!p.dummy) {
                    if (remove) {
                        handle(p).removeAllowedIp(prefix);
                    } else {
                        handle(p).addAllowedIp(prefix);
                    }
                }
            }
            case "protocol_version" -> {
                if (!value.contentEquals("1")) {
                    throw invalid("protocol_version: only version 1 is supported");
                }
            }
            default -> throw invalid("invalid peer key " + key);
        }
    }

    /** The peer's handle, creating the peer first if it does not exist yet. */
    private UapiTarget.PeerHandle handle(PeerCursor p) throws UapiException {
        if (p.handle == null) {
            UapiTarget.PeerHandle created;
            try {
                created = target.peer(p.publicKey, true);
            } catch (UapiException | RuntimeException e) {
                p.dummy = true; // do not try again when the section ends
                throw e;
            }
            if (created == null) {
                p.dummy = true;
                throw new UapiException(UapiError.UNKNOWN, "device returned no peer when asked to create one");
            }
            p.handle = created;
            p.created = true;
        }
        return p.handle;
    }

    private void finishPeer() throws UapiException {
        PeerCursor p = peer;
        peer = null;
        if (p == null || p.dummy) {
            return;
        }
        handle(p).finish(p.keepaliveTurnedOn);
    }

    /* ---------------- values ---------------- */

    private static void requireTrue(String key, AsciiSlice value) throws UapiException {
        if (!value.contentEquals("true")) {
            throw invalid(key + ": the only accepted value is true");
        }
    }

    private static long parseNumber(String key, AsciiSlice value, long max) throws UapiException {
        long n = IpText.parseUnsigned(value, 0, value.length(), max);
        if (n < 0) {
            throw invalid(key + ": not a decimal number 0.." + max);
        }
        return n;
    }

    private interface AddressParser<T> {
        T parse();
    }

    private static <T> T parseAddress(String key, AddressParser<T> parser) throws UapiException {
        try {
            return parser.parse();
        } catch (AddressFormatException e) {
            throw invalid(key + ": " + e.getMessage());
        }
    }

    private static UapiException invalid(String message) {
        return new UapiException(UapiError.INVALID, message);
    }

    /** The known key spelled by {@code buf[0, len)}, or null. Compares bytes, so an unknown key never becomes a String. */
    private static String knownKey(byte[] buf, int len) {
        for (String k : KNOWN_KEYS) {
            if (k.length() == len && new AsciiSlice(buf, 0, len).contentEquals(k)) {
                return k;
            }
        }
        return null;
    }
}
