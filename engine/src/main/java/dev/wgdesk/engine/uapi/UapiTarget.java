package dev.wgdesk.engine.uapi;

import dev.wgdesk.engine.crypto.PresharedKey;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.crypto.PublicKey;
import java.net.InetSocketAddress;

/**
 * What {@link UapiHandler} needs from a WireGuard device: a snapshot for {@code get}, and the
 * individual changes a {@code set} makes, applied one by one as the request is parsed (there is
 * no transaction, as in wireguard-go: when a line fails, the earlier lines stay applied).
 *
 * <p><b>Threading.</b> The handler serialises its calls: {@link #snapshot()} and
 * {@link #publicKey()} run under a shared lock, every other method under an exclusive lock held
 * for a whole {@code set} request, so calls never overlap across UAPI connections of one
 * handler. The device must still make {@code snapshot()} consistent against changes it makes
 * itself (roaming, handshakes, counters).
 *
 * <p><b>Errors.</b> Any method may throw {@link UapiException}; its {@link UapiError} becomes the
 * reply's errno and ends the request. A {@link RuntimeException} is reported as
 * {@link UapiError#UNKNOWN}. Messages must not contain key material.
 *
 * <p><b>What the handler does itself</b> (the device need not): parsing and validating every
 * value, clamping a private key as Curve25519 requires, masking allowed-IP prefixes, skipping a
 * peer whose public key equals the device's own (wireguard-go's "dummy" peer: its lines are
 * validated but nothing reaches the device), deciding when a peer is created, and detecting that
 * a persistent keepalive was switched on.
 */
public interface UapiTarget {

    /**
     * A consistent snapshot for {@code get}. The returned object owns copies of the secrets and
     * is closed (its keys destroyed) by the handler once the reply is built.
     */
    DeviceState snapshot();

    /**
     * The device's own public key, or {@code null} when it has no private key. A
     * {@code public_key=} line equal to it selects no peer (the lines that follow are validated
     * and dropped), as in wireguard-go.
     */
    PublicKey publicKey();

    /**
     * Sets the interface's private key, already clamped; {@code null} removes it (the all-zero
     * key in the protocol). The device takes ownership of {@code key} and destroys it when it is
     * replaced. As in wireguard-go, the device must also remove any peer whose public key equals
     * the new public key, and reset handshake state with every peer.
     */
    void setPrivateKey(PrivateKey key) throws UapiException;

    /**
     * Sets the listen port, 0..65535 (0 = any free port), and re-binds if the device is up.
     *
     * @throws UapiException with {@link UapiError#PORT_IN_USE} when the port cannot be bound
     */
    void setListenPort(int port) throws UapiException;

    /**
     * Sets the firewall mark (SO_MARK on Linux; an unsigned 32-bit value, 0 = none) on the UDP
     * sockets.
     *
     * @throws UapiException with {@link UapiError#PORT_IN_USE} when the mark cannot be applied,
     *     the code wireguard-go uses for this
     */
    void setFwmark(int mark) throws UapiException;

    /** Removes every peer ({@code replace_peers=true}). */
    void removeAllPeers() throws UapiException;

    /**
     * The peer with {@code publicKey}, created with default settings when missing and
     * {@code create} is true. Never called with the device's own public key.
     *
     * @return a handle valid until the current {@code set} request ends, or {@code null} when the
     *     peer does not exist and {@code create} is false
     * @throws UapiException with {@link UapiError#INVALID} when the peer cannot be created (for
     *     example the peer limit is reached)
     */
    PeerHandle peer(PublicKey publicKey, boolean create) throws UapiException;

    /**
     * Changes to one peer, made by a {@code set} request. A handle is used only during the request
     * that obtained it and, after {@link #remove()}, not at all.
     */
    interface PeerHandle {

        /** Removes the peer from the device ({@code remove=true}). */
        void remove() throws UapiException;

        /**
         * Sets the preshared key; the all-zero key means none. The device takes ownership of
         * {@code key}.
         */
        void setPresharedKey(PresharedKey key) throws UapiException;

        /** Sets the endpoint: a resolved address, possibly a scoped IPv6 one. */
        void setEndpoint(InetSocketAddress endpoint) throws UapiException;

        /**
         * Sets the persistent-keepalive interval in seconds, 0..65535 (0 = off).
         *
         * @return the previous interval, so the handler can tell when keepalives were switched on
         */
        int setPersistentKeepalive(int seconds) throws UapiException;

        /** Removes all of the peer's allowed IPs ({@code replace_allowed_ips=true}). */
        void clearAllowedIps() throws UapiException;

        /**
         * Adds an allowed IP (masked). Like the kernel and wireguard-go, a prefix that belongs to
         * another peer moves to this one.
         */
        void addAllowedIp(IpPrefix prefix) throws UapiException;

        /**
         * Removes one allowed IP ({@code allowed_ip=-prefix}), only if it belongs to this peer with
         * exactly this length; otherwise nothing happens.
         */
        void removeAllowedIp(IpPrefix prefix) throws UapiException;

        /**
         * Ends this peer's section of the request: called once, when the next
         * {@code public_key=} line, the end of the request or an error ends it, unless the peer
         * was removed. As wireguard-go's {@code handlePostConfig}: if the device is up, start the
         * peer, send a keepalive at once when {@code persistentKeepaliveTurnedOn}, and send any
         * staged packets.
         *
         * @param persistentKeepaliveTurnedOn true when this section changed the interval from 0 to
         *     non-zero
         */
        void finish(boolean persistentKeepaliveTurnedOn) throws UapiException;
    }
}
