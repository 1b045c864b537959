package dev.wgdesk.app.ui.config;

import dev.wgdesk.engine.config.DnsServer;
import dev.wgdesk.engine.config.IpPrefix;
import dev.wgdesk.engine.config.ParseResult;
import dev.wgdesk.engine.config.PeerConfig;
import dev.wgdesk.engine.config.SearchDomain;
import dev.wgdesk.engine.config.TunnelConfig;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The public part of a tunnel's configuration, as the detail pane shows it: no private or
 * preshared key, so it may be kept around and displayed. Immutable.
 *
 * @param publicKey  the interface's public key, base64
 * @param listenPort the configured port, if any
 * @param mtu        the configured MTU, if any
 * @param addresses  interface addresses
 * @param dns        DNS servers followed by search domains, as written
 * @param peers      the peers, in file order
 */
public record ConfigSummary(String publicKey, OptionalInt listenPort, OptionalInt mtu, List<String> addresses,
                            List<String> dns, List<Peer> peers) {

    /**
     * A peer's public settings.
     *
     * @param publicKey    base64
     * @param endpoint     {@code host:port}, if set
     * @param allowedIps   prefixes
     * @param keepalive    persistent keepalive seconds, if set
     * @param presharedKey whether a preshared key is set (never the key)
     */
    public record Peer(String publicKey, Optional<String> endpoint, List<String> allowedIps, OptionalInt keepalive,
                       boolean presharedKey) {
        /** Copies the list. */
        public Peer {
            allowedIps = List.copyOf(allowedIps);
        }
    }

    /** Copies the lists. */
    public ConfigSummary {
        addresses = List.copyOf(addresses);
        dns = List.copyOf(dns);
        peers = List.copyOf(peers);
    }

    /** The summary of {@code config} (which is not changed or destroyed). */
    public static ConfigSummary of(TunnelConfig config) {
        var i = config.interfaceConfig();
        List<String> dns = new java.util.ArrayList<>();
        i.dnsServers().stream().map(DnsServer::toString).forEach(dns::add);
        i.dnsSearchDomains().stream().map(SearchDomain::toString).forEach(dns::add);
        i.dnsRoutingDomains().stream().map(Object::toString).forEach(dns::add);
        List<Peer> peers = config.peers().stream().map(ConfigSummary::peer).toList();
        return new ConfigSummary(i.publicKey().toBase64(), i.listenPort(), i.mtu(),
                i.addresses().stream().map(IpPrefix::toString).toList(), dns, peers);
    }

    private static Peer peer(PeerConfig p) {
        return new Peer(p.publicKey().toBase64(), p.endpoint().map(Object::toString),
                p.allowedIps().stream().map(IpPrefix::toString).toList(), p.persistentKeepalive(),
                p.presharedKey().isPresent());
    }

    /**
     * Parses wg-quick text and summarises it, destroying the parsed keys afterwards; empty when the
     * text has errors.
     */
    public static Optional<ConfigSummary> parse(String name, String text) {
        ParseResult r = TunnelConfig.parseLenient(name + ".conf", text);
        if (r.config().isEmpty()) {
            return Optional.empty();
        }
        TunnelConfig c = r.config().get();
        try {
            return Optional.of(of(c));
        } finally {
            c.destroy();
        }
    }
}
