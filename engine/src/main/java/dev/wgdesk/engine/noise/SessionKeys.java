package dev.wgdesk.engine.noise;

import dev.wgdesk.engine.Protocol;
import java.util.Arrays;
import javax.security.auth.Destroyable;

/**
 * The result of a completed handshake ({@link Handshake#beginSession()}): the two transport
 * keys and the two indices that route transport messages. The initiator sends with
 * {@code T_send_i} and the responder with {@code T_send_r = T_recv_i}; {@link #sendKey()} and
 * {@link #receiveKey()} are already oriented for the local side.
 *
 * <p>Immutable until {@link #destroy()}, which zeroes both keys; reading a key afterwards throws
 * {@link IllegalStateException} (never hands out a zeroed key). Thread-safe for reading. The key
 * arrays are shared with the caller for the data path (no copies per packet): never modify them,
 * and destroy the keys only once no thread can still be using them, since destroy zeroes the
 * arrays in place; the device's {@code Keypair} counts the packets in flight under it for that.
 */
public final class SessionKeys implements Destroyable {
    private final byte[] sendKey;
    private final byte[] receiveKey;
    private final int localIndex;
    private final int remoteIndex;
    private final boolean initiator;
    private volatile boolean destroyed;

    /** Takes ownership of the two 32-byte key arrays. */
    SessionKeys(byte[] sendKey, byte[] receiveKey, int localIndex, int remoteIndex, boolean initiator) {
        if (sendKey.length != Protocol.KEY_LENGTH || receiveKey.length != Protocol.KEY_LENGTH) {
            throw new IllegalArgumentException("transport keys are 32 bytes");
        }
        this.sendKey = sendKey;
        this.receiveKey = receiveKey;
        this.localIndex = localIndex;
        this.remoteIndex = remoteIndex;
        this.initiator = initiator;
    }

    /** The 32-byte key for messages we send; shared, do not modify. */
    public byte[] sendKey() {
        checkLive();
        return sendKey;
    }

    /** The 32-byte key for messages we receive; shared, do not modify. */
    public byte[] receiveKey() {
        checkLive();
        return receiveKey;
    }

    /** Our index: the receiver index the peer puts on transport messages to us. */
    public int localIndex() {
        return localIndex;
    }

    /** The peer's index: the receiver index we put on transport messages to the peer. */
    public int remoteIndex() {
        return remoteIndex;
    }

    /** True if we sent the initiation (we may send at once; a responder must wait for data). */
    public boolean isInitiator() {
        return initiator;
    }

    private void checkLive() {
        if (destroyed) {
            throw new IllegalStateException("session keys were destroyed");
        }
    }

    /** Zeroes both keys. */
    @Override
    public void destroy() {
        destroyed = true;
        Arrays.fill(sendKey, (byte) 0);
        Arrays.fill(receiveKey, (byte) 0);
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    /** Indices and role only; never the keys. */
    @Override
    public String toString() {
        return "SessionKeys(local " + Integer.toUnsignedString(localIndex) + ", remote "
                + Integer.toUnsignedString(remoteIndex) + (initiator ? ", initiator" : ", responder")
                + (destroyed ? ", destroyed)" : ")");
    }
}
