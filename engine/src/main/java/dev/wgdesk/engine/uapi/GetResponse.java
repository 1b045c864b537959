package dev.wgdesk.engine.uapi;

import dev.wgdesk.engine.Protocol;
import dev.wgdesk.engine.crypto.PresharedKey;
import dev.wgdesk.engine.crypto.PrivateKey;
import java.net.InetSocketAddress;

/**
 * Writes the body of a {@code get} reply: the {@code key=value} lines that come before
 * {@code errno=0}, in the order and format of wireguard-go's {@code IpcGetOperation}:
 *
 * <pre>
 * private_key=&lt;hex&gt;          only when a non-zero key is set
 * listen_port=&lt;n&gt;            only when not 0
 * fwmark=&lt;n&gt;                 only when not 0 (unsigned 32-bit)
 * then for each peer:
 * public_key=&lt;hex&gt;
 * preshared_key=&lt;hex&gt;        always; 64 zeros when there is none
 * protocol_version=1
 * endpoint=&lt;ip:port&gt;         only when known; [ipv6%zone]:port for IPv6
 * last_handshake_time_sec=&lt;n&gt;
 * last_handshake_time_nsec=&lt;n&gt;
 * tx_bytes=&lt;n&gt;               unsigned 64-bit
 * rx_bytes=&lt;n&gt;               unsigned 64-bit
 * persistent_keepalive_interval=&lt;n&gt;
 * allowed_ip=&lt;prefix&gt;        one line per prefix
 * </pre>
 *
 * Keys are lowercase hex. {@code wg} accepts device keys only before the first
 * {@code public_key} and ignores keys it does not know.
 */
final class GetResponse {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final byte[] NO_KEY = new byte[Protocol.KEY_LENGTH];

    private GetResponse() {}

    static void write(DeviceState state, ReplyBuffer out) {
        PrivateKey privateKey = state.privateKey();
        if (privateKey != null && !privateKey.isZero()) {
            out.keyLine("private_key", privateKey.rawBytes());
        }
        if (state.listenPort() != 0) {
            out.ascii("listen_port=").decimal(state.listenPort()).ascii("\n");
        }
        if (state.fwmark() != 0) {
            out.ascii("fwmark=").decimal(Integer.toUnsignedLong(state.fwmark())).ascii("\n");
        }
        for (PeerState peer : state.peers()) {
            writePeer(peer, out);
        }
    }

    private static void writePeer(PeerState peer, ReplyBuffer out) {
        out.keyLine("public_key", peer.publicKey().toBytes());
        PresharedKey psk = peer.presharedKey();
        out.keyLine("preshared_key", psk == null ? NO_KEY : psk.rawBytes());
        out.ascii("protocol_version=1\n");
        InetSocketAddress endpoint = peer.endpoint();
        if (endpoint != null && endpoint.getAddress() != null) {
            out.line("endpoint", IpText.formatEndpoint(endpoint));
        }
        // Truncating division, as Go's: a time before 1970 gives a negative second and nanosecond.
        long nanos = peer.lastHandshakeEpochNanos();
        out.ascii("last_handshake_time_sec=").decimal(nanos / NANOS_PER_SECOND).ascii("\n");
        out.ascii("last_handshake_time_nsec=").decimal(nanos % NANOS_PER_SECOND).ascii("\n");
        out.ascii("tx_bytes=").unsignedDecimal(peer.txBytes()).ascii("\n");
        out.ascii("rx_bytes=").unsignedDecimal(peer.rxBytes()).ascii("\n");
        out.ascii("persistent_keepalive_interval=").decimal(peer.persistentKeepalive()).ascii("\n");
        for (IpPrefix prefix : peer.allowedIps()) {
            out.line("allowed_ip", prefix.toString());
        }
    }
}
