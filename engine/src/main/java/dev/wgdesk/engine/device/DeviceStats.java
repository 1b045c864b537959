package dev.wgdesk.engine.device;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Device-wide counters of what was dropped and why. Remote parties can trigger every one of
 * these, so they are counted, never logged per packet.
 */
public final class DeviceStats {
    final AtomicLong droppedNoRoute = new AtomicLong();
    final AtomicLong droppedStaged = new AtomicLong();
    final AtomicLong droppedNoEndpoint = new AtomicLong();
    final AtomicLong droppedInvalidTunPacket = new AtomicLong();
    final AtomicLong droppedMalformed = new AtomicLong();
    final AtomicLong droppedUnknownIndex = new AtomicLong();
    final AtomicLong droppedDecrypt = new AtomicLong();
    final AtomicLong droppedReplay = new AtomicLong();
    final AtomicLong droppedInnerSource = new AtomicLong();
    final AtomicLong droppedInvalidInnerPacket = new AtomicLong();
    final AtomicLong droppedHandshakeQueueFull = new AtomicLong();
    final AtomicLong droppedHandshakeInvalid = new AtomicLong();
    final AtomicLong droppedRateLimited = new AtomicLong();
    final AtomicLong cookieRepliesSent = new AtomicLong();
    final AtomicLong cookieRepliesConsumed = new AtomicLong();
    final AtomicLong handshakesCompleted = new AtomicLong();
    final AtomicLong staleSources = new AtomicLong();
    final AtomicLong droppedOversized = new AtomicLong();
    final AtomicLong droppedStagingBudget = new AtomicLong();
    final AtomicLong internalErrors = new AtomicLong();

    /** Outbound packets with no peer owning their destination. */
    public long droppedNoRoute() { return droppedNoRoute.get(); }
    /** Staged packets dropped because a peer's queue was full. */
    public long droppedStaged() { return droppedStaged.get(); }
    /** Packets for a peer with no known endpoint. */
    public long droppedNoEndpoint() { return droppedNoEndpoint.get(); }
    /** Packets read from the TUN that are not IPv4/IPv6. */
    public long droppedInvalidTunPacket() { return droppedInvalidTunPacket.get(); }
    /** Datagrams of unknown type or wrong length. */
    public long droppedMalformed() { return droppedMalformed.get(); }
    /** Transport messages for an index we do not know. */
    public long droppedUnknownIndex() { return droppedUnknownIndex.get(); }
    /** Transport messages that failed authentication. */
    public long droppedDecrypt() { return droppedDecrypt.get(); }
    /** Authenticated transport messages rejected by the replay window. */
    public long droppedReplay() { return droppedReplay.get(); }
    /** Decrypted packets whose inner source is not in the sending peer's allowed IPs. */
    public long droppedInnerSource() { return droppedInnerSource.get(); }
    /** Decrypted packets that are not valid IPv4/IPv6. */
    public long droppedInvalidInnerPacket() { return droppedInvalidInnerPacket.get(); }
    /** Handshake messages dropped because the handshake queue was full. */
    public long droppedHandshakeQueueFull() { return droppedHandshakeQueueFull.get(); }
    /** Handshake messages rejected (bad mac1, unknown peer, replay, flood, bad state). */
    public long droppedHandshakeInvalid() { return droppedHandshakeInvalid.get(); }
    /** Handshake messages refused by the per-source rate limiter under load. */
    public long droppedRateLimited() { return droppedRateLimited.get(); }
    public long cookieRepliesSent() { return cookieRepliesSent.get(); }
    public long cookieRepliesConsumed() { return cookieRepliesConsumed.get(); }
    public long handshakesCompleted() { return handshakesCompleted.get(); }
    /** Sends whose sticky source address was refused (address removed, route moved), resent without it. */
    public long staleSources() { return staleSources.get(); }
    /** Packets over {@link dev.wgdesk.engine.Protocol#MAX_PACKET_SIZE} (an MTU raised from outside). */
    public long droppedOversized() { return droppedOversized.get(); }
    /** Packets for peers without a session dropped because staging's device-wide budget was used up. */
    public long droppedStagingBudget() { return droppedStagingBudget.get(); }
    /** Packets dropped because of an unexpected exception in the data path (each is a bug; logged at ERROR). */
    public long internalErrors() { return internalErrors.get(); }
}
