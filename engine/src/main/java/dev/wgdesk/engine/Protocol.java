package dev.wgdesk.engine;

import java.nio.charset.StandardCharsets;

/**
 * Every WireGuard constant in one place, named as in the whitepaper (section 6.1) and the
 * kernel's {@code messages.h}. Specification constants come first; implementation constants
 * (queue sizes, limits that peers cannot observe) come after.
 */
public final class Protocol {
    private Protocol() {}

    /* ---------- Specification constants ---------- */

    /** Noise protocol name, hashed to form the initial chaining key. */
    public static final byte[] CONSTRUCTION =
            "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s".getBytes(StandardCharsets.US_ASCII);
    /** WireGuard's Noise prologue. */
    public static final byte[] IDENTIFIER =
            "WireGuard v1 zx2c4 Jason@zx2c4.com".getBytes(StandardCharsets.US_ASCII);
    public static final byte[] LABEL_MAC1 = "mac1----".getBytes(StandardCharsets.US_ASCII);
    public static final byte[] LABEL_COOKIE = "cookie--".getBytes(StandardCharsets.US_ASCII);

    public static final long REKEY_AFTER_MESSAGES = 1L << 60;
    /** 2^64 - 2^13 - 1 as an unsigned 64-bit value (whitepaper, wireguard-go); compare with Long.compareUnsigned. */
    public static final long REJECT_AFTER_MESSAGES = 0xFFFF_FFFF_FFFF_DFFFL; // -(1L << 13) - 1, i.e. 2^64 - 8193
    public static final long REKEY_AFTER_TIME_NANOS = 120_000_000_000L;
    public static final long REJECT_AFTER_TIME_NANOS = 180_000_000_000L;
    public static final long REKEY_ATTEMPT_TIME_NANOS = 90_000_000_000L;
    public static final long REKEY_TIMEOUT_NANOS = 5_000_000_000L;
    public static final long KEEPALIVE_TIMEOUT_NANOS = 10_000_000_000L;
    public static final long COOKIE_REFRESH_TIME_NANOS = 120_000_000_000L;
    /** Jitter added to handshake retransmits: uniformly 0..REKEY_TIMEOUT_JITTER_MAX_NANOS. */
    public static final long REKEY_TIMEOUT_JITTER_MAX_NANOS = 333_000_000L;
    public static final int MAX_TIMER_HANDSHAKES = (int) (REKEY_ATTEMPT_TIME_NANOS / REKEY_TIMEOUT_NANOS); // 18
    /** Initiations from one peer closer together than this are dropped (INITIATIONS_PER_SECOND = 50). */
    public static final long HANDSHAKE_INITIATION_RATE_NANOS = 1_000_000_000L / 50;

    public static final int MESSAGE_INITIATION_TYPE = 1;
    public static final int MESSAGE_RESPONSE_TYPE = 2;
    public static final int MESSAGE_COOKIE_REPLY_TYPE = 3;
    public static final int MESSAGE_TRANSPORT_TYPE = 4;

    public static final int MESSAGE_INITIATION_SIZE = 148;
    public static final int MESSAGE_RESPONSE_SIZE = 92;
    public static final int MESSAGE_COOKIE_REPLY_SIZE = 64;
    public static final int MESSAGE_TRANSPORT_HEADER_SIZE = 16; // type(4) receiver(4) counter(8)
    public static final int MESSAGE_TRANSPORT_SIZE = 32; // header + tag: the size of a keepalive
    public static final int MESSAGE_KEEPALIVE_SIZE = MESSAGE_TRANSPORT_SIZE;
    public static final int MESSAGE_PADDING_MULTIPLE = 16;

    public static final int KEY_LENGTH = 32;
    public static final int MAC_LENGTH = 16;
    public static final int AEAD_TAG_LENGTH = 16;
    public static final int TIMESTAMP_LENGTH = 12;
    public static final int COOKIE_NONCE_LENGTH = 24;

    /* ---------- Implementation constants ---------- */

    /** Replay window: RFC 6479 ring of 128 64-bit blocks; usable window (128 - 1) * 64. */
    public static final int COUNTER_BITS_TOTAL = 8192;
    public static final int COUNTER_WINDOW_SIZE = COUNTER_BITS_TOTAL - 64; // 8128

    /** Handshake queue length at which the device counts as under load (wireguard-go: 1024 / 8). */
    public static final int QUEUE_HANDSHAKE_SIZE = 1024;
    public static final int UNDER_LOAD_QUEUE_THRESHOLD = QUEUE_HANDSHAKE_SIZE / 8;
    /** The device stays under load this long after the threshold was last seen. */
    public static final long UNDER_LOAD_AFTER_TIME_NANOS = 1_000_000_000L;

    public static final int MAX_STAGED_PACKETS = 128;
    public static final int MAX_PEERS = 1 << 16;
    public static final int DEFAULT_MTU = 1420;
    /**
     * The largest IP packet the engine carries, and so the largest MTU it accepts: one number that
     * the configuration parser, the helper, the TUN read, the seal, the UDP receive and the open all
     * respect. Jumbo frames (9000-byte Ethernet, 9216-byte switch ports) fit; a larger MTU is refused
     * at configuration, and a larger packet (an MTU raised from outside) is dropped and counted.
     * Why not 65535: every pooled buffer would be 64 KiB, 128 MiB for the two pools of a device.
     */
    public static final int MAX_PACKET_SIZE = 9216;
    /** Largest UDP payload we read or write. */
    public static final int MAX_MESSAGE_SIZE = 65535;
    /** Largest IP packet carried inside a transport message. */
    public static final int MAX_CONTENT_SIZE = MAX_MESSAGE_SIZE - MESSAGE_TRANSPORT_SIZE;
    /** Socket buffers for throughput (wireguard-go uses 7 MiB). */
    public static final int SOCKET_BUFFER_SIZE = 7 << 20;

    /* ----- Handshake rate limiter (issue 2; kernel ratelimiter.c, wireguard-go ratelimiter.go) ----- */

    /** Sustained handshake messages per second allowed from one source (IPv4 address or IPv6 /64). */
    public static final int PACKETS_PER_SECOND = 20;
    /** Messages one source may send back to back before the sustained rate applies. */
    public static final int PACKETS_BURSTABLE = 5;
    /** Tokens, in nanoseconds, one message costs: 1 s / PACKETS_PER_SECOND = 50 ms. */
    public static final long PACKET_COST_NANOS = 1_000_000_000L / PACKETS_PER_SECOND;
    /** Bucket capacity: PACKET_COST * PACKETS_BURSTABLE. A new source starts at TOKEN_MAX - PACKET_COST. */
    public static final long TOKEN_MAX_NANOS = PACKET_COST_NANOS * PACKETS_BURSTABLE;
    /** Rate-limiter entries idle for longer than this are dropped; the sweep runs this often too. */
    public static final long RATELIMITER_GC_INTERVAL_NANOS = 1_000_000_000L;
    /** Most sources tracked at once (kernel: max_entries = 8 * table_size, table_size 8192 above 1 GiB RAM). */
    public static final int RATELIMITER_MAX_ENTRIES = 8192 * 8;
    /* ----- end of issue 2 block ----- */

    /* ----- Diagnosis per peer (issue 14 item 1): thresholds of dev.wgdesk.engine.device.Diagnosis ----- */

    /**
     * "no-reply" once this many initiations went unanswered. Initiations leave at most one per
     * REKEY_TIMEOUT, so the second one means the first waited REKEY_TIMEOUT (5 s) in vain: one lost
     * datagram is not yet a diagnosis, two in a row are.
     */
    public static final int DIAGNOSIS_NO_REPLY_INITIATIONS = 2;
    /**
     * "one-way" once we kept sending data this long while nothing but keepalives came back:
     * KEEPALIVE_TIMEOUT + REKEY_TIMEOUT (15 s), the silence after which WireGuard itself starts a
     * new handshake. A peer that answers at all answers sooner; a single unanswered packet never
     * counts, only data sent over the whole interval.
     */
    public static final long DIAGNOSIS_ONE_WAY_AFTER_NANOS = KEEPALIVE_TIMEOUT_NANOS + REKEY_TIMEOUT_NANOS;
    /* ----- end of issue 14 block ----- */
}
