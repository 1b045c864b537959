package dev.wgdesk.platform.windows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * The adapter GUID of a tunnel: a name-based UUID (RFC 9562 version 5, SHA-1) of the tunnel name
 * in a wgdesk namespace, so the same tunnel always gets the same adapter GUID. Windows keys an
 * adapter's network profile ("Network 2", firewall profile) by that GUID, so a tunnel brought up
 * again, or by a helper restarted after a crash, is the same network to Windows and not a new one
 * each time (wireguard-windows does the same for the same reason, with its own derivation).
 *
 * <p>Pure functions; thread-safe.
 */
public final class AdapterGuid {
    /** The namespace UUID of wgdesk adapter names (a fixed random UUID, never to change). */
    static final UUID NAMESPACE = UUID.fromString("6f1c1e8a-5d0f-4b7c-9a3e-2f4d8c6b7a10");

    private AdapterGuid() {}

    /** The GUID for the tunnel {@code name}; names are compared exactly (case matters). */
    public static UUID of(String name) {
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JDK", e);
        }
        ByteBuffer ns = ByteBuffer.allocate(16);
        ns.putLong(NAMESPACE.getMostSignificantBits()).putLong(NAMESPACE.getLeastSignificantBits());
        sha1.update(ns.array());
        byte[] h = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
        h[6] = (byte) ((h[6] & 0x0f) | 0x50); // version 5
        h[8] = (byte) ((h[8] & 0x3f) | 0x80); // RFC 4122/9562 variant
        ByteBuffer b = ByteBuffer.wrap(h, 0, 16);
        return new UUID(b.getLong(), b.getLong());
    }

    /**
     * The 16 bytes of a Windows {@code GUID} struct for {@code uuid}: Data1 (32 bits), Data2 and
     * Data3 (16 bits each) little-endian, then Data4's 8 bytes in order.
     */
    public static byte[] toWindowsBytes(UUID uuid) {
        long msb = uuid.getMostSignificantBits();
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt((int) (msb >>> 32)).putShort((short) (msb >>> 16)).putShort((short) msb);
        b.order(ByteOrder.BIG_ENDIAN).putLong(uuid.getLeastSignificantBits());
        return b.array();
    }

    /** The braced upper-case form Windows shows, e.g. {@code {6F1C1E8A-5D0F-...}}. */
    public static String toWindowsString(UUID uuid) {
        return "{" + uuid.toString().toUpperCase(java.util.Locale.ROOT) + "}";
    }
}
