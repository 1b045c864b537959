package dev.wgdesk.engine.config;

import dev.wgdesk.engine.crypto.PresharedKey;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.crypto.PublicKey;
import java.util.Random;

/** Deterministic random configs covering every key and value form, for property tests. */
final class RandomConfigs {
    private static final String LABEL_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
    private static final String HOOK_CHARS =
            "abcdefghijklmnopqrstuvwxyz ABCXYZ0123456789 \t#=%i'\"$;|&<>()[]{}/\\,.:-_+*?!~`^@";

    private final Random rnd;

    RandomConfigs(long seed) {
        this.rnd = new Random(seed);
    }

    TunnelConfig config() {
        TunnelConfig.Builder b = TunnelConfig.builder().setInterface(iface());
        int peers = rnd.nextInt(5);
        for (int i = 0; i < peers; i++) {
            b.addPeer(peer());
        }
        return b.build();
    }

    InterfaceConfig iface() {
        InterfaceConfig.Builder b = InterfaceConfig.builder().setPrivateKey(PrivateKey.fromBytes(bytes(32)));
        if (rnd.nextBoolean()) {
            b.setListenPort(rnd.nextInt(65536));
        }
        if (rnd.nextBoolean()) {
            b.setFwMark(rnd.nextBoolean() ? rnd.nextInt(256) : rnd.nextLong(0x1_0000_0000L));
        }
        for (int i = rnd.nextInt(4); i > 0; i--) {
            b.addAddress(prefix());
        }
        for (int i = rnd.nextInt(4); i > 0; i--) {
            b.addDnsServer(new DnsServer(address()));
        }
        for (int i = rnd.nextInt(3); i > 0; i--) {
            b.addDnsSearchDomain(new SearchDomain(hostName()));
        }
        for (int i = rnd.nextInt(3); i > 0; i--) {
            b.addDnsRoutingDomain(rnd.nextInt(5) == 0 ? RoutingDomain.ALL : new RoutingDomain(hostName()));
        }
        if (rnd.nextBoolean()) {
            b.setMtu(InterfaceConfig.MIN_MTU + rnd.nextInt(InterfaceConfig.MAX_MTU - InterfaceConfig.MIN_MTU + 1));
        }
        b.setTable(table());
        for (int i = rnd.nextInt(3); i > 0; i--) {
            b.addPreUp(hook());
        }
        for (int i = rnd.nextInt(3); i > 0; i--) {
            b.addPostUp(hook());
        }
        for (int i = rnd.nextInt(3); i > 0; i--) {
            b.addPreDown(hook());
        }
        for (int i = rnd.nextInt(3); i > 0; i--) {
            b.addPostDown(hook());
        }
        return b.setSaveConfig(rnd.nextBoolean()).build();
    }

    PeerConfig peer() {
        PeerConfig.Builder b = PeerConfig.builder().setPublicKey(PublicKey.fromBytes(bytes(32)));
        if (rnd.nextBoolean()) {
            b.setPresharedKey(PresharedKey.fromBytes(bytes(32)));
        }
        for (int i = rnd.nextInt(5); i > 0; i--) {
            b.addAllowedIp(prefix());
        }
        switch (rnd.nextInt(5)) {
            case 0 -> { }
            case 1 -> b.setEndpoint(Endpoint.of(IpAddress.ofBytes(bytes(4)), 1 + rnd.nextInt(65535)));
            case 2 -> b.setEndpoint(Endpoint.of(IpAddress.ofBytes(bytes(16)), 1 + rnd.nextInt(65535)));
            case 3 -> b.setEndpoint(Endpoint.of(IpAddress.ofBytes(bytes(16)) + "%" + label(8), 1 + rnd.nextInt(65535)));
            default -> b.setEndpoint(Endpoint.of(hostName(), 1 + rnd.nextInt(65535)));
        }
        if (rnd.nextBoolean()) {
            b.setPersistentKeepalive(rnd.nextInt(65536));
        }
        return b.build();
    }

    byte[] bytes(int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    IpAddress address() {
        byte[] b = bytes(rnd.nextBoolean() ? 4 : 16);
        if (b.length == 16) {
            // Favour addresses with zero runs and the IPv4-mapped form, which format specially.
            switch (rnd.nextInt(4)) {
                case 0 -> java.util.Arrays.fill(b, rnd.nextInt(8), 8 + rnd.nextInt(8), (byte) 0);
                case 1 -> {
                    java.util.Arrays.fill(b, 0, 10, (byte) 0);
                    b[10] = (byte) 0xff;
                    b[11] = (byte) 0xff;
                }
                default -> { }
            }
        }
        return IpAddress.ofBytes(b);
    }

    IpPrefix prefix() {
        IpAddress a = address();
        return IpPrefix.of(a, rnd.nextInt(a.bitLength() + 1));
    }

    String label(int maxLength) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + rnd.nextInt(maxLength);
        for (int i = 0; i < n; i++) {
            sb.append(LABEL_CHARS.charAt(rnd.nextInt(LABEL_CHARS.length())));
        }
        if (sb.charAt(0) == '-') {
            sb.setCharAt(0, 'a');
        }
        if (sb.charAt(sb.length() - 1) == '-') {
            sb.setCharAt(sb.length() - 1, 'z');
        }
        return sb.toString();
    }

    String hostName() {
        StringBuilder sb = new StringBuilder(label(12));
        for (int i = rnd.nextInt(3); i > 0; i--) {
            sb.append('.').append(label(12));
        }
        sb.append(rnd.nextBoolean() ? ".x" : "x");
        if (rnd.nextInt(8) == 0) {
            sb.append('.');
        }
        return sb.toString();
    }

    RouteTable table() {
        return switch (rnd.nextInt(4)) {
            case 0 -> RouteTable.AUTO;
            case 1 -> RouteTable.OFF;
            case 2 -> RouteTable.ofNumber(rnd.nextLong(RouteTable.MAX_NUMBER + 1));
            default -> RouteTable.ofName("t" + label(10).replace('-', '.'));
        };
    }

    String hook() {
        StringBuilder sb = new StringBuilder();
        int n = rnd.nextInt(40);
        for (int i = 0; i < n; i++) {
            sb.append(HOOK_CHARS.charAt(rnd.nextInt(HOOK_CHARS.length())));
        }
        return sb.toString().strip();
    }

    Random random() {
        return rnd;
    }
}
