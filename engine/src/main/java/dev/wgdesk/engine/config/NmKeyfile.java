package dev.wgdesk.engine.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/**
 * NetworkManager keyfiles ({@code *.nmconnection}, {@code type=wireguard}): reads them into a
 * {@link TunnelConfig} and writes a config as one. Stateless; pure Java.
 *
 * <p>Round trip: for a config NetworkManager can express (no hooks, no SaveConfig, no named
 * routing table, IPv4 addresses and DNS servers before IPv6 ones),
 * {@code parse(write(name, c, uuid).text())} gives {@code c} back and the name. What
 * NetworkManager has and wg-quick has not (autoconnect, DNS priority, gateways, secrets kept in
 * an agent, ...) is reported as a warning or, when the tunnel cannot work
 * without it, an error: never silently dropped. See {@link NmKeyfileParser} for the details.
 *
 * <p>Where NetworkManager keeps things for WireGuard: MTU, listen port, fwmark, the private key
 * and {@code peer-routes} in {@code [wireguard]}; addresses, DNS, search domains, routing-only
 * domains ({@code dns-search=~corp.example;}, NetworkManager's {@code ~} for every name read as
 * {@code ~.}) and the routing table in {@code [ipv4]} and {@code [ipv6]}; one {@code [wireguard-peer.PUBLIC_KEY]} group per
 * peer.
 */
public final class NmKeyfile {
    /** The file name suffix NetworkManager gives keyfiles. */
    public static final String SUFFIX = ".nmconnection";

    private NmKeyfile() {}

    /**
     * Parses a keyfile, collecting every problem.
     *
     * @param fileName the name used in messages and, when the file has no id, for the tunnel name
     * @param text     the file's contents
     */
    public static NmImport parse(String fileName, CharSequence text) {
        return NmKeyfileParser.parse(Objects.requireNonNull(fileName, "fileName"), text);
    }

    /**
     * Reads and parses a keyfile as UTF-8.
     *
     * @throws IOException if reading fails or the file is too large to be a keyfile
     */
    public static NmImport parse(Path file) throws IOException {
        if (Files.size(file) > TunnelConfig.MAX_FILE_CHARS) {
            throw new IOException(file + " is too large to be a NetworkManager keyfile");
        }
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        Path name = file.getFileName();
        return parse(name == null ? file.toString() : name.toString(), text);
    }

    /** True when {@code fileName} ends in {@value #SUFFIX} (any case). */
    public static boolean isKeyfileName(String fileName) {
        return fileName.toLowerCase(Locale.ROOT).endsWith(SUFFIX);
    }

    /**
     * A valid tunnel name made from a connection id: every run of characters a tunnel name cannot
     * hold becomes one {@code -}, leading and trailing {@code -} and {@code .} go, the result is
     * cut to {@value TunnelName#MAX_LENGTH} characters; a reserved name gets {@code -1} appended,
     * and an id with nothing usable gives {@code nm-wireguard}.
     */
    public static TunnelName tunnelName(String connectionId) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < connectionId.length(); i++) {
            char c = connectionId.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '=' || c == '+' || c == '.' || c == '-';
            if (ok) {
                sb.append(c);
            } else if (!sb.isEmpty() && sb.charAt(sb.length() - 1) != '-') {
                sb.append('-');
            }
        }
        String name = strip(sb.toString());
        if (name.length() > TunnelName.MAX_LENGTH) {
            name = strip(name.substring(0, TunnelName.MAX_LENGTH));
        }
        if (name.isEmpty()) {
            return TunnelName.of("nm-wireguard");
        }
        if (TunnelName.validate(name).isPresent()) {
            String base = name.length() > TunnelName.MAX_LENGTH - 2 ? name.substring(0, TunnelName.MAX_LENGTH - 2) : name;
            name = base + "-1";
        }
        return TunnelName.validate(name).isPresent() ? TunnelName.of("nm-wireguard") : TunnelName.of(name);
    }

    private static String strip(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && (s.charAt(a) == '-' || s.charAt(a) == '.')) {
            a++;
        }
        while (b > a && (s.charAt(b - 1) == '-' || s.charAt(b - 1) == '.')) {
            b--;
        }
        return s.substring(a, b);
    }

    /**
     * Writes {@code config} as a keyfile NetworkManager accepts, in the layout NetworkManager
     * itself writes: {@code [connection]} (id and interface-name are the tunnel name,
     * {@code autoconnect=false} as a wgdesk tunnel is started on demand), {@code [wireguard]},
     * one group per peer, {@code [ipv4]}, {@code [ipv6]} (method {@code manual} with addresses,
     * else {@code disabled}), {@code [proxy]}.
     *
     * @param name   the tunnel name
     * @param config the tunnel
     * @param uuid   the connection's UUID (use {@link UUID#randomUUID()} for a new connection)
     * @return the text (which contains the private key) and what it could not express
     */
    public static NmExport write(TunnelName name, TunnelConfig config, UUID uuid) {
        InterfaceConfig i = config.interfaceConfig();
        List<String> warnings = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        sb.append("[connection]\n");
        kv(sb, "id", name.value());
        kv(sb, "uuid", uuid.toString());
        kv(sb, "type", "wireguard");
        kv(sb, "autoconnect", "false");
        kv(sb, "interface-name", name.value());

        sb.append("\n[wireguard]\n");
        i.fwMark().ifPresent(m -> kv(sb, "fwmark", Long.toString(m)));
        i.listenPort().ifPresent(p -> kv(sb, "listen-port", Integer.toString(p)));
        i.mtu().ifPresent(m -> kv(sb, "mtu", Integer.toString(m)));
        RouteTable table = i.table();
        if (table.kind() == RouteTable.Kind.OFF) {
            kv(sb, "peer-routes", "false");
        }
        kv(sb, "private-key", i.privateKey().toBase64());

        for (PeerConfig p : config.peers()) {
            sb.append("\n[wireguard-peer.").append(p.publicKey().toBase64()).append("]\n");
            p.endpoint().ifPresent(e -> kv(sb, "endpoint", e.toString()));
            p.presharedKey().ifPresent(k -> {
                kv(sb, "preshared-key", k.toBase64());
                kv(sb, "preshared-key-flags", "0");
            });
            p.persistentKeepalive().ifPresent(k -> kv(sb, "persistent-keepalive", Integer.toString(k)));
            if (!p.allowedIps().isEmpty()) {
                kv(sb, "allowed-ips", list(p.allowedIps()));
            }
        }

        List<IpPrefix> v4 = i.addresses().stream().filter(IpPrefix::isIpv4).toList();
        List<IpPrefix> v6 = i.addresses().stream().filter(a -> !a.isIpv4()).toList();
        List<DnsServer> dns4 = i.dnsServers().stream().filter(d -> d.address().isIpv4()).toList();
        List<DnsServer> dns6 = i.dnsServers().stream().filter(d -> !d.address().isIpv4()).toList();
        // NetworkManager refuses DNS servers and search domains in a family whose method is
        // disabled (no addresses): servers go with their family, domains with either.
        boolean searchOn4 = !v4.isEmpty();
        String tableText = table.kind() == RouteTable.Kind.NUMBER ? table.toString() : null;
        // Routing-only domains go into dns-search with their "~", NetworkManager's own syntax.
        List<Object> search = new ArrayList<>(i.dnsSearchDomains());
        search.addAll(i.dnsRoutingDomains());
        ip(sb, "ipv4", v4, v4.isEmpty() ? List.of() : dns4, searchOn4 ? search : List.of(), tableText, false);
        ip(sb, "ipv6", v6, v6.isEmpty() ? List.of() : dns6,
                searchOn4 || v6.isEmpty() ? List.of() : search, tableText, true);
        sb.append("\n[proxy]\n");

        if (!i.addresses().equals(concat(v4, v6))) {
            warnings.add("NetworkManager keeps IPv4 and IPv6 addresses apart: the IPv6 addresses now come after the IPv4 ones");
        }
        if (!i.dnsServers().equals(concat(dns4, dns6))) {
            warnings.add("NetworkManager keeps IPv4 and IPv6 DNS servers apart: the IPv6 servers now come after the IPv4 ones");
        }
        if ((!dns4.isEmpty() && v4.isEmpty()) || (!dns6.isEmpty() && v6.isEmpty())) {
            warnings.add("DNS servers of an address family the tunnel has no address in: NetworkManager cannot"
                    + " hold them; left out");
        }
        if (!search.isEmpty() && i.addresses().isEmpty()) {
            warnings.add("DNS search and routing domains without any address: NetworkManager cannot hold them; left out");
        }
        if (table.kind() == RouteTable.Kind.NUMBER && table.number().orElse(0L) == 0) {
            warnings.add("Table = 0: NetworkManager reads route-table=0 as its default (the main table)");
        }
        if (table.kind() == RouteTable.Kind.NAME) {
            warnings.add("Table = " + table + ": NetworkManager takes only table numbers; the routes go to the main table");
        }
        hooks(warnings, "PreUp", i.preUp());
        hooks(warnings, "PostUp", i.postUp());
        hooks(warnings, "PreDown", i.preDown());
        hooks(warnings, "PostDown", i.postDown());
        if (i.saveConfig()) {
            warnings.add("SaveConfig = true: NetworkManager has no such setting; left out");
        }
        return new NmExport(sb.toString(), warnings);
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static void hooks(List<String> warnings, String key, List<String> commands) {
        if (!commands.isEmpty()) {
            warnings.add(key + " (" + commands.size() + (commands.size() == 1 ? " command" : " commands")
                    + "): NetworkManager runs no commands of a connection; left out");
        }
    }

    private static void ip(StringBuilder sb, String group, List<IpPrefix> addresses, List<DnsServer> dns,
                           List<?> search, String table, boolean v6) {
        sb.append('\n').append('[').append(group).append("]\n");
        if (v6) {
            kv(sb, "addr-gen-mode", "default");
        }
        for (int n = 0; n < addresses.size(); n++) {
            kv(sb, "address" + (n + 1), addresses.get(n).toString());
        }
        if (!dns.isEmpty()) {
            kv(sb, "dns", list(dns));
        }
        if (!search.isEmpty()) {
            kv(sb, "dns-search", list(search));
        }
        kv(sb, "method", addresses.isEmpty() ? "disabled" : "manual");
        if (table != null) {
            kv(sb, "route-table", table);
        }
    }

    /** A GLib key-file list: each element escaped, each followed by {@code ;}. */
    private static String list(List<?> items) {
        StringBuilder sb = new StringBuilder();
        for (Object o : items) {
            sb.append(escape(o.toString()).replace(";", "\\;")).append(';');
        }
        return sb.toString();
    }

    private static void kv(StringBuilder sb, String key, String value) {
        sb.append(key).append('=').append(escape(value)).append('\n');
    }

    /** GLib's key-file escaping: backslash, line breaks, tab, and a leading space. */
    private static String escape(String v) {
        StringBuilder sb = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case ' ' -> sb.append(i == 0 ? "\\s" : " ");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
