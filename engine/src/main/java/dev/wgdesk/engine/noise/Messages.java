package dev.wgdesk.engine.noise;

import dev.wgdesk.engine.Protocol;

/**
 * WireGuard's four wire formats: field offsets, strict validation and little-endian field
 * access. All offsets are relative to the start of the message.
 * <pre>
 *  1 initiation (148): type(4) sender(4) ephemeral(32) static(32+16) timestamp(12+16) mac1(16) mac2(16)
 *  2 response    (92): type(4) sender(4) receiver(4) ephemeral(32) empty(0+16) mac1(16) mac2(16)
 *  3 cookie reply(64): type(4) receiver(4) nonce(24) cookie(16+16)
 *  4 transport (>=32): type(4) receiver(4) counter(8) data(n+16)
 * </pre>
 * The type byte and the three reserved bytes are read together as one little-endian u32, so a
 * message with non-zero reserved bytes has no valid type and is rejected.
 *
 * <p>Stateless and thread-safe.
 */
public final class Messages {
    private Messages() {}

    /** Returned by {@link #validate} for anything that is not a well-formed message. */
    public static final int INVALID = 0;

    public static final int TYPE_OFFSET = 0;

    public static final int INITIATION_SENDER = 4;
    public static final int INITIATION_EPHEMERAL = 8;
    public static final int INITIATION_STATIC = 40;
    public static final int INITIATION_TIMESTAMP = 88;
    public static final int INITIATION_MAC1 = 116;
    public static final int INITIATION_MAC2 = 132;

    public static final int RESPONSE_SENDER = 4;
    public static final int RESPONSE_RECEIVER = 8;
    public static final int RESPONSE_EPHEMERAL = 12;
    public static final int RESPONSE_EMPTY = 44;
    public static final int RESPONSE_MAC1 = 60;
    public static final int RESPONSE_MAC2 = 76;

    public static final int COOKIE_REPLY_RECEIVER = 4;
    public static final int COOKIE_REPLY_NONCE = 8;
    public static final int COOKIE_REPLY_COOKIE = 32;
    /** Length of a decrypted cookie (and of the mac2 key). */
    public static final int COOKIE_LENGTH = 16;

    public static final int TRANSPORT_RECEIVER = 4;
    public static final int TRANSPORT_COUNTER = 8;
    public static final int TRANSPORT_DATA = Protocol.MESSAGE_TRANSPORT_HEADER_SIZE;

    /**
     * The type of {@code buf[off, off+len)} if it is a message of a known type with the right
     * length (types 1-3 exactly 148/92/64 bytes, type 4 at least 32), else {@link #INVALID}.
     */
    public static int validate(byte[] buf, int off, int len) {
        if (len < Protocol.MESSAGE_TRANSPORT_SIZE || off < 0 || off > buf.length - len) {
            return INVALID;
        }
        int type = readU32(buf, off + TYPE_OFFSET);
        int want = switch (type) {
            case Protocol.MESSAGE_INITIATION_TYPE -> Protocol.MESSAGE_INITIATION_SIZE;
            case Protocol.MESSAGE_RESPONSE_TYPE -> Protocol.MESSAGE_RESPONSE_SIZE;
            case Protocol.MESSAGE_COOKIE_REPLY_TYPE -> Protocol.MESSAGE_COOKIE_REPLY_SIZE;
            case Protocol.MESSAGE_TRANSPORT_TYPE -> len; // any length >= 32
            default -> -1;
        };
        return want == len ? type : INVALID;
    }

    /** True if {@code buf[off, off+len)} is a valid message of exactly type {@code type}. */
    public static boolean isValid(int type, byte[] buf, int off, int len) {
        return type != INVALID && validate(buf, off, len) == type;
    }

    /** Offset of mac1 in an initiation or response of length {@code len} (148 or 92). */
    public static int mac1Offset(int len) {
        return len - 2 * Protocol.MAC_LENGTH;
    }

    /** Offset of mac2 in an initiation or response of length {@code len} (148 or 92). */
    public static int mac2Offset(int len) {
        return len - Protocol.MAC_LENGTH;
    }

    /** The sender index of an initiation or response. */
    public static int senderIndex(byte[] msg, int off) {
        return readU32(msg, off + INITIATION_SENDER);
    }

    /**
     * The receiver index of a response, cookie reply or transport message of the given type.
     *
     * @throws IllegalArgumentException for an initiation (it has no receiver) or unknown type
     */
    public static int receiverIndex(int type, byte[] msg, int off) {
        return switch (type) {
            case Protocol.MESSAGE_RESPONSE_TYPE -> readU32(msg, off + RESPONSE_RECEIVER);
            case Protocol.MESSAGE_COOKIE_REPLY_TYPE -> readU32(msg, off + COOKIE_REPLY_RECEIVER);
            case Protocol.MESSAGE_TRANSPORT_TYPE -> readU32(msg, off + TRANSPORT_RECEIVER);
            default -> throw new IllegalArgumentException("message type " + type + " has no receiver index");
        };
    }

    /** The 64-bit counter (nonce) of a transport message. */
    public static long transportCounter(byte[] msg, int off) {
        return readU64(msg, off + TRANSPORT_COUNTER);
    }

    /** Writes a transport header (type 4, receiver, counter) at {@code buf[off, off+16)}. */
    public static void writeTransportHeader(byte[] buf, int off, int receiverIndex, long counter) {
        writeU32(buf, off + TYPE_OFFSET, Protocol.MESSAGE_TRANSPORT_TYPE);
        writeU32(buf, off + TRANSPORT_RECEIVER, receiverIndex);
        writeU64(buf, off + TRANSPORT_COUNTER, counter);
    }

    /** Little-endian u32 at {@code b[off]}. */
    public static int readU32(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    /** Writes {@code v} as little-endian u32 at {@code b[off]}. */
    public static void writeU32(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }

    /** Little-endian u64 at {@code b[off]}. */
    public static long readU64(byte[] b, int off) {
        return (readU32(b, off) & 0xffffffffL) | ((long) readU32(b, off + 4) << 32);
    }

    /** Writes {@code v} as little-endian u64 at {@code b[off]}. */
    public static void writeU64(byte[] b, int off, long v) {
        writeU32(b, off, (int) v);
        writeU32(b, off + 4, (int) (v >>> 32));
    }
}
