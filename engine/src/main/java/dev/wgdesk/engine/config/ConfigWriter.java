package dev.wgdesk.engine.config;

import java.net.UnknownHostException;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Writes a {@link TunnelConfig} in the three text forms WireGuard tools read. Stateless.
 */
final class ConfigWriter {
    private ConfigWriter() {}

    /** The full wg-quick file: every key, canonical spelling and order, one blank line between sections. */
    static String wgQuick(TunnelConfig c) {
        InterfaceConfig i = c.interfaceConfig();
        StringBuilder sb = new StringBuilder("[Interface]\n");
        line(sb, ConfigKey.PRIVATE_KEY, i.privateKey().toBase64());
        i.listenPort().ifPresent(p -> line(sb, ConfigKey.LISTEN_PORT, Integer.toString(p)));
        i.fwMark().ifPresent(m -> line(sb, ConfigKey.FW_MARK, "0x" + Long.toHexString(m)));
        if (!i.addresses().isEmpty()) {
            line(sb, ConfigKey.ADDRESS, join(i.addresses()));
        }
        if (!i.dnsServers().isEmpty() || !i.dnsSearchDomains().isEmpty() || !i.dnsRoutingDomains().isEmpty()) {
            line(sb, ConfigKey.DNS, join(Stream.of(i.dnsServers(), i.dnsSearchDomains(), i.dnsRoutingDomains())
                    .flatMap(List::stream).toList()));
        }
        i.mtu().ifPresent(m -> line(sb, ConfigKey.MTU, Integer.toString(m)));
        if (i.table().kind() != RouteTable.Kind.AUTO) {
            line(sb, ConfigKey.TABLE, i.table().toString());
        }
        i.preUp().forEach(h -> line(sb, ConfigKey.PRE_UP, h));
        i.postUp().forEach(h -> line(sb, ConfigKey.POST_UP, h));
        i.preDown().forEach(h -> line(sb, ConfigKey.PRE_DOWN, h));
        i.postDown().forEach(h -> line(sb, ConfigKey.POST_DOWN, h));
        if (i.saveConfig()) {
            line(sb, ConfigKey.SAVE_CONFIG, "true");
        }
        peers(sb, c.peers());
        return sb.toString();
    }

    /**
     * The stripped form {@code wg setconf} reads (what {@code wg-quick strip} prints): only
     * PrivateKey, ListenPort and FwMark in [Interface], then the peers.
     */
    static String wgSetconf(TunnelConfig c) {
        InterfaceConfig i = c.interfaceConfig();
        StringBuilder sb = new StringBuilder("[Interface]\n");
        line(sb, ConfigKey.PRIVATE_KEY, i.privateKey().toBase64());
        i.listenPort().ifPresent(p -> line(sb, ConfigKey.LISTEN_PORT, Integer.toString(p)));
        i.fwMark().ifPresent(m -> line(sb, ConfigKey.FW_MARK, "0x" + Long.toHexString(m)));
        peers(sb, c.peers());
        return sb.toString();
    }

    private static void peers(StringBuilder sb, List<PeerConfig> peers) {
        for (PeerConfig p : peers) {
            sb.append("\n[Peer]\n");
            line(sb, ConfigKey.PUBLIC_KEY, p.publicKey().toBase64());
            p.presharedKey().ifPresent(k -> line(sb, ConfigKey.PRESHARED_KEY, k.toBase64()));
            if (!p.allowedIps().isEmpty()) {
                line(sb, ConfigKey.ALLOWED_IPS, join(p.allowedIps()));
            }
            p.endpoint().ifPresent(e -> line(sb, ConfigKey.ENDPOINT, e.toString()));
            p.persistentKeepalive().ifPresent(k -> line(sb, ConfigKey.PERSISTENT_KEEPALIVE, Integer.toString(k)));
        }
    }

    private static void line(StringBuilder sb, ConfigKey key, String value) {
        sb.append(key.spelling()).append(value.isEmpty() ? " =" : " = ").append(value).append('\n');
    }

    private static String join(List<?> items) {
        return items.stream().map(Object::toString).collect(Collectors.joining(", "));
    }

    /**
     * A complete UAPI {@code set} request equivalent to {@code wg setconf}: {@code set=1}, the
     * device keys (listen_port and fwmark always, 0 when not set, since setconf replaces the whole
     * configuration), {@code replace_peers=true}, then each peer with {@code replace_allowed_ips=true},
     * and the terminating blank line. Keys are lower-case hex.
     */
    static String uapiSet(TunnelConfig c, EndpointResolver resolver) throws UnresolvedEndpointException {
        InterfaceConfig i = c.interfaceConfig();
        StringBuilder sb = new StringBuilder("set=1\n");
        sb.append("private_key=").append(i.privateKey().toHex()).append('\n');
        sb.append("listen_port=").append(i.listenPort().orElse(0)).append('\n');
        sb.append("fwmark=").append(i.fwMark().orElse(0)).append('\n');
        sb.append("replace_peers=true\n");
        for (PeerConfig p : c.peers()) {
            sb.append("public_key=").append(p.publicKey().toHex()).append('\n');
            p.presharedKey().ifPresent(k -> sb.append("preshared_key=").append(k.toHex()).append('\n'));
            if (p.endpoint().isPresent()) {
                sb.append("endpoint=").append(resolved(p, p.endpoint().get(), resolver)).append('\n');
            }
            p.persistentKeepalive().ifPresent(k -> sb.append("persistent_keepalive_interval=").append(k).append('\n'));
            sb.append("replace_allowed_ips=true\n");
            for (IpPrefix a : p.allowedIps()) {
                sb.append("allowed_ip=").append(a).append('\n');
            }
        }
        return sb.append('\n').toString();
    }

    private static Endpoint resolved(PeerConfig p, Endpoint e, EndpointResolver resolver)
            throws UnresolvedEndpointException {
        if (e.isResolved()) {
            return e;
        }
        Endpoint r;
        try {
            r = resolver.resolve(e);
        } catch (UnknownHostException | RuntimeException ex) {
            throw new UnresolvedEndpointException(e, p.publicKey(), ex);
        }
        if (r == null || !r.isResolved()) {
            throw new UnresolvedEndpointException(e, p.publicKey(), null);
        }
        return r;
    }
}
