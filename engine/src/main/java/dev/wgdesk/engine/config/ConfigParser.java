package dev.wgdesk.engine.config;

import dev.wgdesk.engine.config.ConfigError.Reason;
import dev.wgdesk.engine.crypto.KeyFormatException;
import dev.wgdesk.engine.crypto.PresharedKey;
import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.engine.crypto.PublicKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import javax.security.auth.Destroyable;

/**
 * Reads a wg-quick file into a {@link TunnelConfig}, collecting every problem instead of stopping
 * at the first. Single use, not thread-safe.
 *
 * <p>How a line is read, following {@code wg-quick(8)} and {@code wg(8)}:
 * <ol>
 *   <li>Lines end at {@code \n}; a {@code \r} before it, and a byte-order mark at the start of
 *       the file, are ignored.</li>
 *   <li>Everything from the first {@code #} is a comment, except in PreUp/PostUp/PreDown/PostDown,
 *       whose command is the whole rest of the line (as current {@code wg-quick} keeps it).</li>
 *   <li>Blank lines are skipped. {@code [Interface]} and {@code [Peer]} (any case) start
 *       sections; repeated {@code [Interface]} sections are merged.</li>
 *   <li>Other lines are {@code Key = value}, split at the first {@code =}; the key matches
 *       without regard to case; whitespace around the key, the value and list commas is
 *       ignored.</li>
 * </ol>
 * Stricter than {@code wg}, which deletes all whitespace from a line: whitespace inside a key or
 * inside a single value is an error.
 */
final class ConfigParser {
    private static final char BOM = '\uFEFF';
    private static final Set<ConfigKey> HOOKS =
            EnumSet.of(ConfigKey.PRE_UP, ConfigKey.POST_UP, ConfigKey.PRE_DOWN, ConfigKey.POST_DOWN);

    /** A value or list element with its position: 1-based line and column. */
    private record Span(String text, int line, int column) {}

    /** What we know about one [Peer] section while reading. */
    private static final class PeerDraft {
        final PeerConfig.Builder builder = PeerConfig.builder();
        final Set<ConfigKey> seen = EnumSet.noneOf(ConfigKey.class);
        final Span header;
        PublicKey publicKey;
        Span publicKeySpan;

        PeerDraft(Span header) {
            this.header = header;
        }
    }

    private final String fileName;
    private final List<ConfigError> errors = new ArrayList<>();
    private int errorCount;
    private final List<Destroyable> secrets = new ArrayList<>();

    /** Where keys go: TOP_LEVEL before any header, null inside an unknown or broken header. */
    private ConfigSection section = ConfigSection.TOP_LEVEL;

    private final InterfaceConfig.Builder iface = InterfaceConfig.builder();
    private final Set<ConfigKey> ifaceSeen = EnumSet.noneOf(ConfigKey.class);
    private Span ifaceHeader;
    private PrivateKey privateKey;

    private final List<PeerDraft> peers = new ArrayList<>();

    private ConfigParser(String fileName) {
        this.fileName = fileName;
    }

    /** Parses {@code text}; the result holds the config or every error, never both. */
    static ParseResult parse(String fileName, CharSequence text) {
        ConfigParser p = new ConfigParser(fileName);
        try {
            return p.run(text);
        } finally {
            // The built config holds its own copies; the keys parsed here are no longer needed.
            for (Destroyable d : p.secrets) {
                try {
                    d.destroy();
                } catch (javax.security.auth.DestroyFailedException e) {
                    // PrivateKey and PresharedKey zero in place and never fail.
                }
            }
        }
    }

    private ParseResult run(CharSequence text) {
        int start = text.length() > 0 && text.charAt(0) == BOM ? 1 : 0;
        int lineNo = 1;
        for (int i = start; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == '\n') {
                readLine(lineNo++, text.subSequence(start, i).toString());
                start = i + 1;
            }
        }
        finish();
        if (!errors.isEmpty()) {
            errors.sort(Comparator.comparingInt(ConfigError::line).thenComparingInt(ConfigError::column));
            return new ParseResult(Optional.empty(), errors, errorCount);
        }
        TunnelConfig.Builder tunnel = TunnelConfig.builder().setInterface(iface.build());
        for (PeerDraft d : peers) {
            tunnel.addPeer(d.builder.build());
        }
        return new ParseResult(Optional.of(tunnel.build()), List.of());
    }

    /* ---------- lines and sections ---------- */

    private void readLine(int lineNo, String raw) {
        int hash = raw.indexOf('#');
        String content = hash < 0 ? raw : raw.substring(0, hash);
        int s = 0;
        int e = content.length();
        while (s < e && Text.isSpace(content.charAt(s))) {
            s++;
        }
        while (e > s && Text.isSpace(content.charAt(e - 1))) {
            e--;
        }
        if (s == e) {
            return;
        }
        String body = content.substring(s, e);
        if (body.charAt(0) == '[') {
            readHeader(new Span(body, lineNo, s + 1));
            return;
        }
        if (section == null) {
            return; // inside an unknown or broken section, already reported once at its header
        }
        int eq = body.indexOf('=');
        String keyText = eq < 0 ? "" : Text.trim(body.substring(0, eq));
        if (keyText.isEmpty()) {
            error(section, null, Reason.SYNTAX_ERROR, new Span(body, lineNo, s + 1));
            return;
        }
        Span keySpan = new Span(keyText, lineNo, s + 1);
        Optional<ConfigKey> found = ConfigKey.lookup(keyText);
        if (section == ConfigSection.TOP_LEVEL) {
            error(section, found.orElse(null), Reason.OUTSIDE_SECTION, keySpan);
            return;
        }
        if (found.isEmpty()) {
            error(section, null, Reason.UNKNOWN_ATTRIBUTE, keySpan);
            return;
        }
        ConfigKey key = found.get();
        if (key.section() != section) {
            error(section, key, Reason.MISPLACED_ATTRIBUTE, keySpan);
            return;
        }
        // Hook commands run to the end of the line, '#' included; other values end at the comment.
        String source = HOOKS.contains(key) ? raw : content;
        int vs = s + eq + 1;
        int ve = source.length();
        while (vs < ve && Text.isSpace(source.charAt(vs))) {
            vs++;
        }
        while (ve > vs && Text.isSpace(source.charAt(ve - 1))) {
            ve--;
        }
        Span value = new Span(source.substring(vs, ve), lineNo, vs + 1);
        Set<ConfigKey> seen = section == ConfigSection.INTERFACE ? ifaceSeen : peers.getLast().seen;
        if (!key.isRepeatable() && !seen.add(key)) {
            error(section, key, Reason.DUPLICATE_ATTRIBUTE, value);
            return;
        }
        if (section == ConfigSection.INTERFACE) {
            interfaceValue(key, value);
        } else {
            peerValue(peers.getLast(), key, value);
        }
    }

    private void readHeader(Span h) {
        String t = h.text();
        if (t.length() < 2 || t.charAt(t.length() - 1) != ']') {
            error(ConfigSection.TOP_LEVEL, null, Reason.SYNTAX_ERROR, h);
            section = null;
            return;
        }
        String name = t.substring(1, t.length() - 1);
        if (name.equalsIgnoreCase("Interface")) {
            section = ConfigSection.INTERFACE;
            if (ifaceHeader == null) {
                ifaceHeader = h;
            }
        } else if (name.equalsIgnoreCase("Peer")) {
            section = ConfigSection.PEER;
            peers.add(new PeerDraft(h));
        } else {
            error(ConfigSection.TOP_LEVEL, null, Reason.UNKNOWN_SECTION, h);
            section = null;
        }
    }

    /* ---------- [Interface] values ---------- */

    private void interfaceValue(ConfigKey key, Span v) {
        switch (key) {
            case PRIVATE_KEY -> {
                PrivateKey k = key(v, key, PrivateKey::fromBase64);
                if (k != null) {
                    privateKey = k;
                    iface.setPrivateKey(k);
                }
            }
            case LISTEN_PORT -> {
                long n = number(key, v);
                if (n >= 0) {
                    iface.setListenPort((int) n);
                }
            }
            case FW_MARK -> {
                long n = fwMark(v);
                if (n >= 0) {
                    iface.setFwMark(n);
                }
            }
            case ADDRESS -> {
                for (Span item : words(v)) {
                    IpPrefix.tryParse(item.text()).ifPresentOrElse(iface::addAddress,
                            () -> error(ConfigSection.INTERFACE, key, Reason.INVALID_PREFIX, item));
                }
            }
            case DNS -> {
                for (Span item : words(v)) {
                    dnsEntry(item);
                }
            }
            case MTU -> {
                if (!v.text().isEmpty()) { // wg-quick: an empty MTU means automatic
                    long n = number(key, v);
                    if (n >= 0) {
                        iface.setMtu((int) n);
                    }
                }
            }
            case TABLE -> RouteTable.tryParse(v.text()).ifPresentOrElse(iface::setTable,
                    () -> error(ConfigSection.INTERFACE, key, Reason.INVALID_VALUE, v));
            case PRE_UP, POST_UP, PRE_DOWN, POST_DOWN -> hook(key, v);
            case SAVE_CONFIG -> {
                if (v.text().equalsIgnoreCase("true")) {
                    iface.setSaveConfig(true);
                } else if (v.text().equalsIgnoreCase("false")) {
                    iface.setSaveConfig(false);
                } else {
                    error(ConfigSection.INTERFACE, key, Reason.INVALID_VALUE, v);
                }
            }
            default -> throw new AssertionError("not an [Interface] key: " + key);
        }
    }

    private void dnsEntry(Span item) {
        String t = item.text();
        if (RoutingDomain.looksLikeRoutingDomain(t)) {
            RoutingDomain.tryParse(t).ifPresentOrElse(iface::addDnsRoutingDomain,
                    () -> error(ConfigSection.INTERFACE, ConfigKey.DNS, Reason.INVALID_ROUTING_DOMAIN, item));
        } else if (DnsServer.looksLikeServer(t)) {
            DnsServer.tryParse(t).ifPresentOrElse(iface::addDnsServer,
                    () -> error(ConfigSection.INTERFACE, ConfigKey.DNS, Reason.INVALID_DNS, item));
        } else {
            SearchDomain.tryParse(t).ifPresentOrElse(iface::addDnsSearchDomain,
                    () -> error(ConfigSection.INTERFACE, ConfigKey.DNS, Reason.INVALID_DNS, item));
        }
    }

    private void hook(ConfigKey key, Span v) {
        if (!Text.isValidHook(v.text())) {
            error(ConfigSection.INTERFACE, key, Reason.INVALID_VALUE, v);
            return;
        }
        switch (key) {
            case PRE_UP -> iface.addPreUp(v.text());
            case POST_UP -> iface.addPostUp(v.text());
            case PRE_DOWN -> iface.addPreDown(v.text());
            case POST_DOWN -> iface.addPostDown(v.text());
            default -> throw new AssertionError("not a hook: " + key);
        }
    }

    /* ---------- [Peer] values ---------- */

    private void peerValue(PeerDraft peer, ConfigKey key, Span v) {
        switch (key) {
            case PUBLIC_KEY -> {
                PublicKey k = key(v, key, PublicKey::fromBase64);
                if (k != null) {
                    peer.publicKey = k;
                    peer.publicKeySpan = v;
                    peer.builder.setPublicKey(k);
                }
            }
            case PRESHARED_KEY -> {
                PresharedKey k = key(v, key, PresharedKey::fromBase64);
                if (k != null) {
                    peer.builder.setPresharedKey(k);
                }
            }
            case ALLOWED_IPS -> {
                for (Span item : commaList(v)) {
                    IpPrefix.tryParse(item.text()).ifPresentOrElse(peer.builder::addAllowedIp,
                            () -> error(ConfigSection.PEER, key, Reason.INVALID_PREFIX, item));
                }
            }
            case ENDPOINT -> Endpoint.tryParse(v.text()).ifPresentOrElse(peer.builder::setEndpoint,
                    () -> error(ConfigSection.PEER, key, Reason.INVALID_ENDPOINT, v));
            case PERSISTENT_KEEPALIVE -> {
                long n = v.text().equalsIgnoreCase("off") ? 0 : number(key, v);
                if (n >= 0) {
                    peer.builder.setPersistentKeepalive((int) n);
                }
            }
            default -> throw new AssertionError("not a [Peer] key: " + key);
        }
    }

    /* ---------- value helpers ---------- */

    /** Decodes a base64 key, recording INVALID_KEY on failure; secret keys are tracked for zeroing. */
    private <K> K key(Span v, ConfigKey key, Function<String, K> decode) {
        try {
            K k = decode.apply(v.text());
            if (k instanceof Destroyable d) {
                secrets.add(d);
            }
            return k;
        } catch (KeyFormatException e) {
            error(key.section(), key, Reason.INVALID_KEY, v);
            return null;
        }
    }

    /** A decimal number in the key's range, or -1 after recording an error. */
    private long number(ConfigKey key, Span v) {
        long n = decimal(v.text());
        if (n == NOT_A_NUMBER) {
            error(key.section(), key, Reason.INVALID_NUMBER, v);
            return -1;
        }
        if (n == TOO_LARGE || n < key.minValue().getAsLong() || n > key.maxValue().getAsLong()) {
            error(key.section(), key, Reason.NUMBER_OUT_OF_RANGE, v);
            return -1;
        }
        return n;
    }

    /**
     * FwMark as {@code wg} reads it: {@code off}, decimal, or {@code 0x} and hex digits; at most
     * 0xFFFFFFFF. Returns -1 after recording an error.
     */
    private long fwMark(Span v) {
        String t = v.text();
        if (t.equalsIgnoreCase("off")) {
            return 0;
        }
        if (t.length() > 2 && t.startsWith("0x")) {
            String hex = t.substring(2);
            long n = 0;
            for (int i = 0; i < hex.length(); i++) {
                int d = Text.hexValue(hex.charAt(i));
                if (d < 0) {
                    error(ConfigSection.INTERFACE, ConfigKey.FW_MARK, Reason.INVALID_NUMBER, v);
                    return -1;
                }
                n = Math.min((n << 4) | d, TOO_LARGE_VALUE);
            }
            if (n > InterfaceConfig.MAX_FW_MARK) {
                error(ConfigSection.INTERFACE, ConfigKey.FW_MARK, Reason.NUMBER_OUT_OF_RANGE, v);
                return -1;
            }
            return n;
        }
        return number(ConfigKey.FW_MARK, v);
    }

    private static final long NOT_A_NUMBER = -1;
    private static final long TOO_LARGE = -2;
    private static final long TOO_LARGE_VALUE = 1L << 40;

    /** Non-negative decimal digits only; NOT_A_NUMBER or TOO_LARGE otherwise. */
    private static long decimal(String t) {
        if (t.isEmpty()) {
            return NOT_A_NUMBER;
        }
        long n = 0;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return NOT_A_NUMBER;
            }
            n = Math.min(n * 10 + (c - '0'), TOO_LARGE_VALUE);
        }
        return n == TOO_LARGE_VALUE ? TOO_LARGE : n;
    }

    /**
     * Address and DNS entries, split the way {@code wg-quick} splits them: commas become spaces,
     * then the value is split into words, so empty entries vanish.
     */
    private static List<Span> words(Span v) {
        List<Span> out = new ArrayList<>();
        String t = v.text();
        int i = 0;
        while (i < t.length()) {
            while (i < t.length() && (t.charAt(i) == ',' || Text.isSpace(t.charAt(i)))) {
                i++;
            }
            int start = i;
            while (i < t.length() && t.charAt(i) != ',' && !Text.isSpace(t.charAt(i))) {
                i++;
            }
            if (i > start) {
                out.add(new Span(t.substring(start, i), v.line(), v.column() + start));
            }
        }
        return out;
    }

    /**
     * AllowedIPs entries, split the way {@code wg} splits them: at commas, with whitespace around
     * each entry ignored. An empty value means no entries; an empty entry is kept (and is
     * invalid), as in {@code wg}.
     */
    private static List<Span> commaList(Span v) {
        List<Span> out = new ArrayList<>();
        String t = v.text();
        if (t.isEmpty()) {
            return out;
        }
        int start = 0;
        for (int i = 0; i <= t.length(); i++) {
            if (i == t.length() || t.charAt(i) == ',') {
                int s = start;
                int e = i;
                while (s < e && Text.isSpace(t.charAt(s))) {
                    s++;
                }
                while (e > s && Text.isSpace(t.charAt(e - 1))) {
                    e--;
                }
                out.add(new Span(t.substring(s, e), v.line(), v.column() + s));
                start = i + 1;
            }
        }
        return out;
    }

    /* ---------- whole-file checks ---------- */

    private void finish() {
        if (ifaceHeader == null) {
            add(new ConfigError(fileName, ConfigSection.TOP_LEVEL, Optional.empty(), Reason.MISSING_SECTION,
                    1, 1, "", 0));
        } else if (!ifaceSeen.contains(ConfigKey.PRIVATE_KEY)) {
            error(ConfigSection.INTERFACE, ConfigKey.PRIVATE_KEY, Reason.MISSING_ATTRIBUTE, ifaceHeader);
        }
        PublicKey self = privateKey == null ? null : privateKey.publicKey();
        Map<PublicKey, PeerDraft> byKey = new HashMap<>();
        for (PeerDraft d : peers) {
            if (!d.seen.contains(ConfigKey.PUBLIC_KEY)) {
                error(ConfigSection.PEER, ConfigKey.PUBLIC_KEY, Reason.MISSING_ATTRIBUTE, d.header);
            }
            if (d.publicKey == null) {
                continue;
            }
            if (d.publicKey.equals(self)) {
                error(ConfigSection.PEER, ConfigKey.PUBLIC_KEY, Reason.PEER_IS_SELF, d.publicKeySpan);
            } else if (byKey.putIfAbsent(d.publicKey, d) != null) {
                error(ConfigSection.PEER, ConfigKey.PUBLIC_KEY, Reason.DUPLICATE_PEER, d.publicKeySpan);
            }
        }
    }

    private void error(ConfigSection where, ConfigKey key, Reason reason, Span at) {
        if (errors.size() >= ParseResult.MAX_ERRORS) {
            errorCount++; // counted, not kept
            return;
        }
        add(new ConfigError(fileName, where, Optional.ofNullable(key), reason,
                at.line(), at.column(), at.text(), at.text().length()));
    }

    private void add(ConfigError e) {
        errorCount++;
        if (errors.size() < ParseResult.MAX_ERRORS) {
            errors.add(e);
        }
    }
}
