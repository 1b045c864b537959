package dev.wgdesk.engine.device;

import dev.wgdesk.engine.config.Endpoint;
import dev.wgdesk.engine.config.EndpointResolver;
import dev.wgdesk.engine.config.InterfaceConfig;
import dev.wgdesk.engine.config.IpPrefix;
import dev.wgdesk.engine.config.PeerConfig;
import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.engine.crypto.PublicKey;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link TunnelConfig} applied to a {@link Device}, the same on every OS: every platform's
 * activation resolves the endpoints with {@link #resolveEndpoints} (before it changes anything),
 * creates its interface and the device, then calls {@link #configure}. What is left to the
 * platform is only what differs between OSes (the TUN, the socket, the fwmark it decides on).
 */
public final class DeviceSetup {
    private DeviceSetup() {
    }

    /**
     * The endpoint of every peer that has one, as a socket address: IP literals as written
     * (with their zone), host names through {@code resolver}.
     *
     * @return peer public key to endpoint, in the peers' order; peers without an endpoint are absent
     * @throws UnknownHostException naming the host and the peer whose endpoint it is
     */
    public static Map<PublicKey, InetSocketAddress> resolveEndpoints(TunnelConfig config, EndpointResolver resolver)
            throws UnknownHostException {
        Map<PublicKey, InetSocketAddress> out = new LinkedHashMap<>();
        for (PeerConfig p : config.peers()) {
            if (p.endpoint().isEmpty()) {
                continue;
            }
            Endpoint e = p.endpoint().get();
            if (!e.isResolved()) {
                try {
                    e = resolver.resolve(e);
                } catch (UnknownHostException ex) {
                    throw new UnknownHostException(e.host() + " (the endpoint of peer " + p.publicKey() + ")");
                }
            }
            InetAddress a = e.zone().isPresent() ? InetAddress.getByName(e.host() + "%" + e.zone().get())
                    : e.address().orElseThrow().toInetAddress();
            out.put(p.publicKey(), new InetSocketAddress(a, e.port()));
        }
        return out;
    }

    /**
     * Configures {@code device} from {@code config}: private key, listen port (0 when none),
     * {@code fwmark} when not 0, and each peer with its preshared key, endpoint (from
     * {@code endpoints}; a peer absent there gets none), allowed IPs and persistent keepalive.
     * The device keeps its own copies of the keys; {@code config} is not destroyed.
     *
     * @param endpoints what {@link #resolveEndpoints} returned for {@code config}
     * @param fwmark    the SO_MARK for the device's sockets, 0 for none (the config's {@code FwMark}
     *                  is the platform's to interpret: Linux may choose a table number instead,
     *                  other OSes ignore it)
     * @throws IOException if the listen port or the mark cannot be applied
     */
    public static void configure(Device device, TunnelConfig config, Map<PublicKey, InetSocketAddress> endpoints,
                                 int fwmark) throws IOException {
        InterfaceConfig ic = config.interfaceConfig();
        device.setPrivateKey(ic.privateKey());
        device.setListenPort(ic.listenPort().orElse(0));
        if (fwmark != 0) {
            device.setFwmark(fwmark);
        }
        for (PeerConfig p : config.peers()) {
            PublicKey k = p.publicKey();
            device.addPeer(k);
            p.presharedKey().ifPresent(psk -> device.setPeerPresharedKey(k, psk));
            InetSocketAddress ep = endpoints.get(k);
            if (ep != null) {
                device.setPeerEndpoint(k, ep);
            }
            for (IpPrefix ip : p.allowedIps()) {
                device.addPeerAllowedIp(k, ip.address().toBytes(), ip.cidr());
            }
            p.persistentKeepalive().ifPresent(s -> device.setPeerPersistentKeepalive(k, s));
        }
    }
}
