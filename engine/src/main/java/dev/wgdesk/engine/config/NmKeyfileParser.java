package dev.wgdesk.engine.config;

import dev.wgdesk.engine.config.NmKeyfileProblem.Reason;
import dev.wgdesk.engine.crypto.PresharedKey;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.crypto.PublicKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.security.auth.DestroyFailedException;
import javax.security.auth.Destroyable;

/**
 * Reads a NetworkManager keyfile of a WireGuard connection into a {@link TunnelConfig}. Single
 * use, not thread-safe.
 *
 * <p>The file format is GLib's key file, as NetworkManager's keyfile plugin writes it
 * ({@code nm-settings-keyfile(5)}): {@code [group]} headers, {@code key=value} lines with
 * whitespace around {@code =} ignored, {@code #} comment lines, the escapes {@code \s \n \t \r \\}
 * (and {@code \;} inside lists), lists separated by {@code ;} with an optional trailing
 * {@code ;}; a repeated group continues the earlier one, and of a repeated key the last value
 * counts.
 *
 * <p>What is read: {@code [connection]} id, type (must be {@code wireguard}), autoconnect;
 * {@code [wireguard]} private-key, listen-port, fwmark, mtu, peer-routes; each
 * {@code [wireguard-peer.KEY]} with endpoint, preshared-key, persistent-keepalive, allowed-ips;
 * {@code [ipv4]}/{@code [ipv6]} method, addressN (also the older addressesN, and the
 * {@code addr/prefix,gateway} and {@code addr;prefix;gateway;} forms), dns, dns-search,
 * route-table. Every other key, and every value wg-quick cannot express, becomes a
 * {@link Reason#NOT_IMPORTED} warning.
 */
final class NmKeyfileParser {
    private static final char BOM = '\uFEFF';
    private static final Pattern ADDRESS_KEY = Pattern.compile("address(?:es)?(\\d*)");
    private static final String PEER_GROUP = "wireguard-peer.";
    /** NetworkManager's secret flags: 1 agent-owned, 2 not saved, 4 not required. */
    private static final int FLAG_AGENT_OWNED = 1;
    private static final int FLAG_NOT_SAVED = 2;
    private static final int MAX_SECRET_FLAGS = 7;

    /** One {@code key=value} line: the value still escaped, with the positions of key and value. */
    private record Entry(String key, String raw, int line, int keyColumn, int valueColumn) {}

    /** One group (all headers of the same name merged) and its entries, last value per key. */
    private static final class Group {
        final String name;
        final int line;
        final int column;
        final Map<String, Entry> entries = new LinkedHashMap<>();
        final Set<String> used = new HashSet<>();

        Group(String name, int line, int column) {
            this.name = name;
            this.line = line;
            this.column = column;
        }

        /** The entry for {@code key}, marking it as handled. */
        Optional<Entry> take(String key) {
            used.add(key);
            return Optional.ofNullable(entries.get(key));
        }
    }

    /** A list element with its column. */
    private record Item(String text, int column) {}

    private final String fileName;
    private final List<NmKeyfileProblem> errors = new ArrayList<>();
    private final List<NmKeyfileProblem> warnings = new ArrayList<>();
    private final Map<String, Group> groups = new LinkedHashMap<>();
    private final List<Destroyable> secrets = new ArrayList<>();

    private NmKeyfileParser(String fileName) {
        this.fileName = fileName;
    }

    static NmImport parse(String fileName, CharSequence text) {
        NmKeyfileParser p = new NmKeyfileParser(fileName);
        try {
            return p.run(text);
        } finally {
            for (Destroyable d : p.secrets) {
                try {
                    d.destroy();
                } catch (DestroyFailedException e) {
                    // PrivateKey and PresharedKey zero in place and never fail.
                }
            }
        }
    }

    /* ---------- lines ---------- */

    private NmImport run(CharSequence text) {
        int start = text.length() > 0 && text.charAt(0) == BOM ? 1 : 0;
        int lineNo = 1;
        Group current = null;
        for (int i = start; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == '\n') {
                current = readLine(lineNo++, text.subSequence(start, i).toString(), current);
                start = i + 1;
            }
        }
        return interpret();
    }

    private Group readLine(int lineNo, String raw, Group current) {
        String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
        int s = 0;
        while (s < line.length() && Text.isSpace(line.charAt(s))) {
            s++;
        }
        if (s == line.length() || line.charAt(s) == '#') {
            return current;
        }
        String body = Text.trim(line.substring(s));
        if (body.charAt(0) == '[') {
            if (body.charAt(body.length() - 1) != ']' || body.length() == 2) {
                error(lineNo, s + 1, "", "", Reason.SYNTAX_ERROR, body, "");
                return null;
            }
            String name = body.substring(1, body.length() - 1);
            int column = s + 1;
            return groups.computeIfAbsent(name, n -> new Group(n, lineNo, column));
        }
        int eq = body.indexOf('=');
        if (eq <= 0) {
            error(lineNo, s + 1, current == null ? "" : current.name, "", Reason.SYNTAX_ERROR, body, "");
            return current;
        }
        String key = Text.trim(body.substring(0, eq));
        int v = eq + 1;
        while (v < body.length() && Text.isSpace(body.charAt(v))) {
            v++;
        }
        String value = body.substring(v);
        if (current == null) {
            error(lineNo, s + 1, "", key, Reason.OUTSIDE_GROUP, "", "");
            return null;
        }
        Entry e = new Entry(key, value, lineNo, s + 1, s + v + 1);
        Entry old = current.entries.put(key, e);
        if (old != null) {
            warn(e.line, e.keyColumn, current.name, key, Reason.REPEATED_KEY, "",
                    "line " + old.line + " is overridden");
        }
        return current;
    }

    /* ---------- values ---------- */

    /** The value unescaped; null (and an error) if an escape is invalid. */
    private String string(Group g, Entry e) {
        return unescape(g, e, e.raw, e.valueColumn, false);
    }

    private String unescape(Group g, Entry e, String raw, int column, boolean inList) {
        StringBuilder sb = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char n = i + 1 < raw.length() ? raw.charAt(i + 1) : 0;
            switch (n) {
                case 's' -> sb.append(' ');
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case '\\' -> sb.append('\\');
                case ';' -> {
                    if (!inList) {
                        sb.append('\\');
                    }
                    sb.append(';');
                }
                default -> {
                    error(e.line, column + i, g.name, e.key, Reason.INVALID_ESCAPE,
                            raw.substring(i, Math.min(raw.length(), i + 2)), "");
                    return null;
                }
            }
            i++;
        }
        return sb.toString();
    }

    /** A {@code ;}-separated list, trailing {@code ;} and empty elements dropped. */
    private List<Item> list(Group g, Entry e) {
        List<Item> items = new ArrayList<>();
        String raw = e.raw;
        int start = 0;
        for (int i = 0; i <= raw.length(); i++) {
            if (i < raw.length() && raw.charAt(i) == '\\') {
                i++;
                continue;
            }
            if (i == raw.length() || raw.charAt(i) == ';') {
                String part = raw.substring(start, Math.min(i, raw.length()));
                int lead = 0;
                while (lead < part.length() && Text.isSpace(part.charAt(lead))) {
                    lead++;
                }
                String trimmed = Text.trim(part);
                if (!trimmed.isEmpty()) {
                    String u = unescape(g, e, trimmed, e.valueColumn + start + lead, true);
                    if (u == null) {
                        return List.of();
                    }
                    items.add(new Item(u, e.valueColumn + start + lead));
                }
                start = i + 1;
            }
        }
        return items;
    }

    /** An unsigned decimal (or 0x hex) number in {@code [min, max]}, or empty with an error. */
    private OptionalLong number(Group g, Entry e, long min, long max) {
        String s = string(g, e);
        if (s == null) {
            return OptionalLong.empty();
        }
        try {
            long v = s.startsWith("0x") || s.startsWith("0X")
                    ? Long.parseLong(s.substring(2), 16) : Long.parseLong(s);
            if (v >= min && v <= max && !s.startsWith("+") && !s.startsWith("-")) {
                return OptionalLong.of(v);
            }
        } catch (NumberFormatException ex) {
            // reported below
        }
        error(e.line, e.valueColumn, g.name, e.key, Reason.INVALID_NUMBER, s, min + " to " + max);
        return OptionalLong.empty();
    }

    /** A GLib/NetworkManager boolean, or empty with an error. */
    private Optional<Boolean> bool(Group g, Entry e) {
        String s = string(g, e);
        if (s == null) {
            return Optional.empty();
        }
        switch (s.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> {
                return Optional.of(true);
            }
            case "false", "no", "0", "off" -> {
                return Optional.of(false);
            }
            default -> {
                error(e.line, e.valueColumn, g.name, e.key, Reason.INVALID_VALUE, s, "use true or false");
                return Optional.empty();
            }
        }
    }

    /* ---------- interpretation ---------- */

    private NmImport interpret() {
        Group conn = groups.get("connection");
        String id = stem(fileName);
        int idLine = 1;
        int idColumn = 1;
        if (conn == null) {
            error(1, 1, "connection", "", Reason.MISSING, "", "not a NetworkManager keyfile");
        } else {
            Optional<Entry> idEntry = conn.take("id");
            if (idEntry.isPresent()) {
                String v = string(conn, idEntry.get());
                if (v != null && !v.isEmpty()) {
                    id = v;
                    idLine = idEntry.get().line;
                    idColumn = idEntry.get().valueColumn;
                }
            }
            readConnection(conn);
        }
        TunnelName name = NmKeyfile.tunnelName(id);
        if (errors.stream().anyMatch(e -> e.reason() == Reason.NOT_WIREGUARD)) {
            return new NmImport(Optional.empty(), name, id, errors, List.of());
        }
        if (!name.value().equals(id)) {
            warn(idLine, idColumn, conn == null ? "" : "connection", "id", Reason.NAME_CHANGED, id,
                    "imported as " + name.value());
        }
        Entry ifname = conn == null ? null : conn.entries.get("interface-name");
        if (ifname != null && !ifname.raw.equals(name.value())) {
            warn(ifname.line, ifname.keyColumn, "connection", "interface-name", Reason.NOT_IMPORTED, ifname.raw,
                    "the interface is named after the tunnel: " + name.value());
        }

        InterfaceConfig.Builder iface = InterfaceConfig.builder();
        PrivateKey privateKey = readWireguard(iface);
        readIp(iface, "ipv4", true);
        readIp(iface, "ipv6", false);
        List<PeerConfig> peers = new ArrayList<>();
        for (Group g : groups.values()) {
            if (g.name.startsWith(PEER_GROUP)) {
                readPeer(g, privateKey).ifPresent(peers::add);
            }
        }
        for (Group g : groups.values()) {
            for (Entry e : g.entries.values()) {
                if (!g.used.contains(e.key)) {
                    String v = NmKeyfileProblem.isSecretKey(e.key) ? ConfigError.HIDDEN : e.raw;
                    warn(e.line, e.keyColumn, g.name, e.key, Reason.NOT_IMPORTED, v, "");
                }
            }
        }
        Comparator<NmKeyfileProblem> order =
                Comparator.comparingInt(NmKeyfileProblem::line).thenComparingInt(NmKeyfileProblem::column);
        errors.sort(order);
        warnings.sort(order);
        if (!errors.isEmpty() || privateKey == null) {
            return new NmImport(Optional.empty(), name, id, errors, warnings);
        }
        iface.setPrivateKey(privateKey);
        TunnelConfig.Builder b = TunnelConfig.builder().setInterface(iface.build());
        peers.forEach(b::addPeer);
        return new NmImport(Optional.of(b.build()), name, id, errors, warnings);
    }

    private void readConnection(Group conn) {
        Optional<Entry> type = conn.take("type");
        if (type.isEmpty()) {
            error(conn.line, conn.column, "connection", "type", Reason.MISSING, "", "");
        } else {
            String t = string(conn, type.get());
            if (t != null && !t.equals("wireguard")) {
                error(type.get().line, type.get().valueColumn, "connection", "type", Reason.NOT_WIREGUARD, t,
                        "type=wireguard expected");
            }
        }
        conn.take("uuid");
        conn.take("timestamp");
        conn.take("interface-name");
        Optional<Entry> permissions = conn.take("permissions");
        if (permissions.isPresent() && !permissions.get().raw.isEmpty()) {
            conn.used.remove("permissions");
        }
        Optional<Entry> auto = conn.take("autoconnect");
        boolean autoconnect = auto.isEmpty() || bool(conn, auto.get()).orElse(false);
        if (autoconnect) {
            int line = auto.map(Entry::line).orElse(conn.line);
            int column = auto.map(Entry::keyColumn).orElse(conn.column);
            warn(line, column, "connection", "autoconnect", Reason.NOT_IMPORTED,
                    auto.map(Entry::raw).orElse(""), auto.isEmpty()
                            ? "NetworkManager connects this automatically by default, wgdesk does not;"
                            + " to start it at boot: wgdesk autostart NAME on"
                            : "to start it at boot: wgdesk autostart NAME on");
        }
    }

    /** Reads [wireguard]; returns the private key, or null (with an error). */
    private PrivateKey readWireguard(InterfaceConfig.Builder iface) {
        Group g = groups.get("wireguard");
        if (g == null) {
            if (groups.containsKey("connection")) {
                Group c = groups.get("connection");
                error(c.line, c.column, "wireguard", "", Reason.MISSING, "", "the group holding private-key");
            }
            return null;
        }
        Optional<Entry> flagsEntry = g.take("private-key-flags");
        int flags = flagsEntry.map(e -> (int) number(g, e, 0, MAX_SECRET_FLAGS).orElse(0)).orElse(0);
        if (flags != 0) {
            g.used.remove("private-key-flags");
        }
        g.take("listen-port").ifPresent(e -> number(g, e, 0, InterfaceConfig.MAX_PORT)
                .ifPresent(v -> iface.setListenPort((int) v)));
        g.take("fwmark").ifPresent(e -> number(g, e, 0, InterfaceConfig.MAX_FW_MARK).ifPresent(iface::setFwMark));
        g.take("mtu").ifPresent(e -> {
            OptionalLong v = number(g, e, 0, InterfaceConfig.MAX_MTU);
            if (v.isPresent() && v.getAsLong() != 0 && v.getAsLong() < InterfaceConfig.MIN_MTU) {
                error(e.line, e.valueColumn, g.name, e.key, Reason.INVALID_NUMBER, e.raw,
                        "0 or " + InterfaceConfig.MIN_MTU + " to " + InterfaceConfig.MAX_MTU);
            } else {
                v.ifPresent(m -> iface.setMtu((int) m));
            }
        });
        // peer-routes=false: NetworkManager adds no routes for allowed-ips, as wg-quick's Table = off.
        Optional<Entry> peerRoutes = g.take("peer-routes");
        boolean routes = peerRoutes.isEmpty() || bool(g, peerRoutes.get()).orElse(true);
        RouteTable table = routes ? routeTable() : RouteTable.OFF;
        if (!routes) {
            for (String ip : List.of("ipv4", "ipv6")) {
                Group ipg = groups.get(ip);
                if (ipg != null) {
                    ipg.used.remove("route-table");
                }
            }
        }
        iface.setTable(table);
        for (String k : List.of("ip4-auto-default-route", "ip6-auto-default-route")) {
            // -1 (default) and 1 (true) are what wg-quick does with Table = auto; 0 is not.
            g.take(k).ifPresent(e -> {
                if (!e.raw.equals("-1") && !e.raw.equals("1") && !e.raw.equals("true")) {
                    g.used.remove(k);
                }
            });
        }
        Optional<Entry> key = g.take("private-key");
        if (key.isEmpty() || key.get().raw.isEmpty()) {
            Optional<Entry> at = key.or(() -> flagsEntry);
            int line = at.map(Entry::line).orElse(g.line);
            int column = at.map(Entry::keyColumn).orElse(g.column);
            if ((flags & (FLAG_AGENT_OWNED | FLAG_NOT_SAVED)) != 0) {
                g.used.add("private-key-flags"); // the error below explains it
                error(line, column, g.name, "private-key", Reason.SECRET_NOT_IN_FILE, "",
                        "private-key-flags=" + flags + ": NetworkManager keeps it in a secret agent or asks for it;"
                                + " get the file with the key from: nmcli --show-secrets connection show ID,"
                                + " or set it with wgdesk after importing a copy that has it");
            } else {
                error(line, column, g.name, "private-key", Reason.MISSING, "", "");
            }
            return null;
        }
        String text = string(g, key.get());
        if (text == null) {
            return null;
        }
        try {
            PrivateKey k = PrivateKey.fromBase64(text);
            secrets.add(k);
            return k;
        } catch (IllegalArgumentException ex) {
            error(key.get().line, key.get().valueColumn, g.name, "private-key", Reason.INVALID_KEY, text, "");
            return null;
        }
    }

    /** ipv4.route-table / ipv6.route-table as wg-quick's Table (AUTO when absent or 0). */
    private RouteTable routeTable() {
        long v4 = tableOf("ipv4");
        long v6 = tableOf("ipv6");
        if (v4 != 0 && v6 != 0 && v4 != v6) {
            groups.get("ipv6").used.remove("route-table");
            return RouteTable.ofNumber(v4);
        }
        long t = v4 != 0 ? v4 : v6;
        return t == 0 ? RouteTable.AUTO : RouteTable.ofNumber(t);
    }

    private long tableOf(String group) {
        Group g = groups.get(group);
        if (g == null) {
            return 0;
        }
        return g.take("route-table").map(e -> number(g, e, 0, RouteTable.MAX_NUMBER).orElse(0)).orElse(0L);
    }

    private void readIp(InterfaceConfig.Builder iface, String group, boolean v4) {
        Group g = groups.get(group);
        if (g == null) {
            return;
        }
        Optional<Entry> method = g.take("method");
        if (method.isPresent()) {
            String m = string(g, method.get());
            boolean fine = "manual".equals(m) || "disabled".equals(m) || (!v4 && "ignore".equals(m));
            if (!fine) {
                g.used.remove("method");
            }
        }
        if (!v4) {
            g.take("addr-gen-mode"); // how NM makes link-local addresses; no meaning for wg-quick
        }
        List<Entry> addressEntries = new ArrayList<>();
        for (Entry e : g.entries.values()) {
            Matcher m = ADDRESS_KEY.matcher(e.key);
            if (m.matches()) {
                g.used.add(e.key);
                addressEntries.add(e);
            }
        }
        addressEntries.sort(Comparator.comparingLong(NmKeyfileParser::addressIndex));
        for (Entry e : addressEntries) {
            readAddresses(g, e, v4, iface);
        }
        g.take("dns").ifPresent(e -> {
            for (Item item : list(g, e)) {
                String server = item.text;
                int hash = server.indexOf('#');
                if (hash >= 0) {
                    warn(e.line, item.column + hash, g.name, e.key, Reason.NOT_IMPORTED, server.substring(hash),
                            "DNS over TLS server name; the server is imported without it");
                    server = server.substring(0, hash);
                }
                Optional<IpAddress> a = IpAddress.tryParse(server);
                if (a.isEmpty() || a.get().isIpv4() != v4) {
                    error(e.line, item.column, g.name, e.key, Reason.INVALID_DNS, item.text,
                            v4 ? "an IPv4 address expected" : "an IPv6 address expected");
                } else {
                    iface.addDnsServer(new DnsServer(a.get()));
                }
            }
        });
        g.take("dns-search").ifPresent(e -> {
            for (Item item : list(g, e)) {
                if (item.text.startsWith("~")) {
                    // NetworkManager writes "~." (every name) as "~"; wgdesk spells it "~.".
                    Optional<RoutingDomain> r = RoutingDomain.tryParse(item.text.equals("~") ? "~." : item.text);
                    if (r.isEmpty()) {
                        error(e.line, item.column, g.name, e.key, Reason.INVALID_SEARCH_DOMAIN, item.text, "");
                    } else {
                        iface.addDnsRoutingDomain(r.get());
                    }
                    continue;
                }
                Optional<SearchDomain> s = SearchDomain.tryParse(item.text);
                if (s.isEmpty()) {
                    error(e.line, item.column, g.name, e.key, Reason.INVALID_SEARCH_DOMAIN, item.text, "");
                } else {
                    iface.addDnsSearchDomain(s.get());
                }
            }
        });
    }

    private static long addressIndex(Entry e) {
        Matcher m = ADDRESS_KEY.matcher(e.key);
        if (!m.matches() || m.group(1).isEmpty()) {
            return 0;
        }
        String digits = m.group(1);
        return digits.length() > 9 ? Long.MAX_VALUE : Long.parseLong(digits);
    }

    /** {@code addr[/prefix][,gateway]} or the old {@code addr;prefix;gateway;} form. */
    private void readAddresses(Group g, Entry e, boolean v4, InterfaceConfig.Builder iface) {
        String value = string(g, e);
        if (value == null) {
            return;
        }
        String prefix;
        String gateway = "";
        int gatewayColumn = e.valueColumn;
        if (value.indexOf(';') >= 0) {
            String[] parts = value.split(";", -1);
            prefix = parts[0] + (parts.length > 1 && !parts[1].isEmpty() ? "/" + parts[1] : "");
            if (parts.length > 2) {
                gateway = parts[2];
                gatewayColumn = e.valueColumn + parts[0].length() + parts[1].length() + 2;
            }
        } else {
            int comma = value.indexOf(',');
            prefix = comma < 0 ? value : value.substring(0, comma);
            if (comma >= 0) {
                gateway = value.substring(comma + 1);
                gatewayColumn = e.valueColumn + comma + 1;
            }
        }
        Optional<IpPrefix> p = IpPrefix.tryParse(Text.trim(prefix));
        if (p.isEmpty() || p.get().isIpv4() != v4) {
            error(e.line, e.valueColumn, g.name, e.key, Reason.INVALID_PREFIX, value,
                    v4 ? "an IPv4 address expected" : "an IPv6 address expected");
            return;
        }
        iface.addAddress(p.get());
        if (!Text.trim(gateway).isEmpty()) {
            warn(e.line, gatewayColumn, g.name, e.key, Reason.NOT_IMPORTED, gateway,
                    "a gateway; a WireGuard interface routes by allowed-ips, so it is ignored");
        }
    }

    private Optional<PeerConfig> readPeer(Group g, PrivateKey own) {
        String keyText = g.name.substring(PEER_GROUP.length());
        int keyColumn = g.column + 1 + PEER_GROUP.length();
        PublicKey key;
        try {
            key = PublicKey.fromBase64(keyText);
        } catch (IllegalArgumentException ex) {
            error(g.line, keyColumn, g.name, "", Reason.INVALID_KEY, keyText, "the peer's public key");
            g.used.addAll(g.entries.keySet());
            return Optional.empty();
        }
        if (own != null && !own.isDestroyed() && key.equals(own.publicKey())) {
            error(g.line, keyColumn, g.name, "", Reason.PEER_IS_SELF, keyText, "");
        }
        for (Group other : groups.values()) {
            if (other == g) {
                break;
            }
            if (other.name.startsWith(PEER_GROUP)) {
                try {
                    if (PublicKey.fromBase64(other.name.substring(PEER_GROUP.length())).equals(key)) {
                        error(g.line, keyColumn, g.name, "", Reason.DUPLICATE_PEER, keyText, "");
                    }
                } catch (IllegalArgumentException ex) {
                    // reported at that group
                }
            }
        }
        PeerConfig.Builder b = PeerConfig.builder().setPublicKey(key);
        g.take("endpoint").ifPresent(e -> {
            String s = string(g, e);
            if (s != null && !s.isEmpty()) {
                Optional<Endpoint> ep = Endpoint.tryParse(s);
                if (ep.isEmpty()) {
                    error(e.line, e.valueColumn, g.name, e.key, Reason.INVALID_ENDPOINT, s, "");
                } else {
                    b.setEndpoint(ep.get());
                }
            }
        });
        int flags = g.take("preshared-key-flags")
                .map(e -> (int) number(g, e, 0, MAX_SECRET_FLAGS).orElse(0)).orElse(0);
        Optional<Entry> psk = g.take("preshared-key");
        if (psk.isPresent() && !psk.get().raw.isEmpty()) {
            String s = string(g, psk.get());
            if (s != null) {
                try {
                    PresharedKey k = PresharedKey.fromBase64(s);
                    secrets.add(k);
                    b.setPresharedKey(k);
                } catch (IllegalArgumentException ex) {
                    error(psk.get().line, psk.get().valueColumn, g.name, psk.get().key, Reason.INVALID_KEY, s, "");
                }
            }
            if (flags != 0) {
                g.used.remove("preshared-key-flags");
            }
        } else if ((flags & (FLAG_AGENT_OWNED | FLAG_NOT_SAVED)) != 0) {
            Entry f = g.entries.get("preshared-key-flags");
            error(f.line, f.keyColumn, g.name, "preshared-key", Reason.SECRET_NOT_IN_FILE, "",
                    "preshared-key-flags=" + flags + ": NetworkManager keeps it in a secret agent or asks for it;"
                            + " without it no handshake succeeds");
        }
        g.take("persistent-keepalive").ifPresent(e -> number(g, e, 0, PeerConfig.MAX_PERSISTENT_KEEPALIVE)
                .ifPresent(v -> b.setPersistentKeepalive((int) v)));
        g.take("allowed-ips").ifPresent(e -> {
            for (Item item : list(g, e)) {
                Optional<IpPrefix> p = IpPrefix.tryParse(item.text);
                if (p.isEmpty()) {
                    error(e.line, item.column, g.name, e.key, Reason.INVALID_PREFIX, item.text, "");
                } else {
                    b.addAllowedIp(p.get());
                }
            }
        });
        return Optional.of(b.build());
    }

    /* ---------- problems ---------- */

    private static String stem(String fileName) {
        String base = fileName.substring(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
        int dot = base.lastIndexOf('.');
        return dot > 0 ? base.substring(0, dot) : base;
    }

    private void error(int line, int column, String group, String key, Reason reason, String text, String detail) {
        errors.add(new NmKeyfileProblem(fileName, line, column, group, key, reason, text, detail));
    }

    private void warn(int line, int column, String group, String key, Reason reason, String text, String detail) {
        warnings.add(new NmKeyfileProblem(fileName, line, column, group, key, reason, text, detail));
    }
}
