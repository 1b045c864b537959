package dev.wgdesk.engine.config;

import dev.wgdesk.engine.crypto.PublicKey;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.security.auth.Destroyable;

/**
 * A whole wg-quick file: one {@code [Interface]} and any number of {@code [Peer]} sections. This
 * is the model shared by the helper (which applies it) and the UI (which edits it).
 *
 * <p>Instances of this class are immutable, except that {@link #destroy()} zeroes the keys; after
 * that {@link #equals} and the {@code to...String} methods throw {@link IllegalStateException}.
 * Thread-safe. Build them with {@link #builder()} or read them with {@link #parse} /
 * {@link #parseLenient}.
 *
 * <p>Round trip: for every config {@code c}, {@code parse(name, c.toWgQuickString())} equals
 * {@code c}. {@link #toString()} never shows a private or preshared key; the {@code to...String}
 * methods do (that is their purpose), and Java cannot wipe the strings they return, so keep them
 * short-lived and never log them.
 */
public final class TunnelConfig implements Destroyable {
    /** Largest file (in chars) the {@link Reader} and {@link Path} parsers read. */
    public static final int MAX_FILE_CHARS = 1 << 20;

    private final InterfaceConfig iface;
    private final List<PeerConfig> peers;

    private TunnelConfig(Builder b) {
        this.iface = b.iface;
        this.peers = List.copyOf(b.peers);
    }

    /** A new, empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this config's sections, to make a changed copy. */
    public Builder toBuilder() {
        return new Builder().setInterface(iface).setPeers(peers);
    }

    /* ---------- parsing ---------- */

    /**
     * Parses a wg-quick file, collecting every problem.
     *
     * @param fileName the name used in error messages, e.g. {@code home.conf}
     * @param text     the file's contents
     * @return the config, or every {@link ConfigError} found
     */
    public static ParseResult parseLenient(String fileName, CharSequence text) {
        return ConfigParser.parse(Objects.requireNonNull(fileName, "fileName"), text);
    }

    /**
     * Reads and parses a wg-quick file, collecting every problem.
     *
     * @throws IOException if reading fails or the text is longer than {@value #MAX_FILE_CHARS} chars
     */
    public static ParseResult parseLenient(String fileName, Reader reader) throws IOException {
        return parseLenient(fileName, readAll(reader));
    }

    /**
     * Reads and parses a wg-quick file as UTF-8 (malformed bytes become U+FFFD and then show up
     * as errors), naming it by its file name in errors.
     *
     * @throws IOException if reading fails or the file is larger than {@value #MAX_FILE_CHARS} bytes
     */
    public static ParseResult parseLenient(Path file) throws IOException {
        if (Files.size(file) > MAX_FILE_CHARS) {
            throw new IOException(file + " is too large to be a WireGuard configuration");
        }
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        Path name = file.getFileName();
        return parseLenient(name == null ? file.toString() : name.toString(), text);
    }

    /**
     * Parses a wg-quick file.
     *
     * @throws ConfigException carrying every problem found
     */
    public static TunnelConfig parse(String fileName, CharSequence text) throws ConfigException {
        return parseLenient(fileName, text).orThrow();
    }

    /**
     * Reads and parses a wg-quick file.
     *
     * @throws IOException     if reading fails or the text is too long
     * @throws ConfigException carrying every problem found
     */
    public static TunnelConfig parse(String fileName, Reader reader) throws IOException, ConfigException {
        return parseLenient(fileName, reader).orThrow();
    }

    /**
     * Reads and parses a wg-quick file as UTF-8.
     *
     * @throws IOException     if reading fails or the file is too large
     * @throws ConfigException carrying every problem found
     */
    public static TunnelConfig parse(Path file) throws IOException, ConfigException {
        return parseLenient(file).orThrow();
    }

    private static String readAll(Reader reader) throws IOException {
        StringBuilder sb = new StringBuilder();
        char[] buf = new char[8192];
        int n;
        while ((n = reader.read(buf)) >= 0) {
            sb.append(buf, 0, n);
            if (sb.length() > MAX_FILE_CHARS) {
                throw new IOException("input is too large to be a WireGuard configuration");
            }
        }
        return sb.toString();
    }

    /* ---------- accessors ---------- */

    /** The {@code [Interface]} section. */
    public InterfaceConfig interfaceConfig() {
        return iface;
    }

    /** The {@code [Peer]} sections, in file order; their public keys are distinct. */
    public List<PeerConfig> peers() {
        return peers;
    }

    /* ---------- writing ---------- */

    /**
     * The wg-quick file: every key, with canonical spelling and order, list values joined with
     * {@code ", "}, one blank line between sections, {@code \n} line ends. Contains secrets.
     */
    public String toWgQuickString() {
        return ConfigWriter.wgQuick(this);
    }

    /**
     * The stripped form {@code wg setconf} accepts (what {@code wg-quick strip} prints): PrivateKey,
     * ListenPort and FwMark, then the peers. Endpoint host names are kept. Contains secrets.
     */
    public String toWgSetconfString() {
        return ConfigWriter.wgSetconf(this);
    }

    /**
     * A complete UAPI {@code set} request with the same effect as {@code wg setconf}, ending with
     * the blank line that closes a request:
     * <pre>
     * set=1
     * private_key=&lt;hex&gt;
     * listen_port=&lt;port, 0 if unset&gt;
     * fwmark=&lt;mark, 0 if unset&gt;
     * replace_peers=true
     * public_key=&lt;hex&gt;              (per peer)
     * preshared_key=&lt;hex&gt;           (if set)
     * endpoint=&lt;ip:port or [ipv6]:port&gt;  (if set)
     * persistent_keepalive_interval=&lt;seconds&gt;  (if set)
     * replace_allowed_ips=true
     * allowed_ip=&lt;prefix&gt;            (per allowed IP)
     * </pre>
     * UAPI takes only IP addresses, so every endpoint must already be an IP literal.
     * Contains secrets.
     *
     * @throws UnresolvedEndpointException if an endpoint is a host name; use
     *                                     {@link #toUapiSetString(EndpointResolver)} then
     */
    public String toUapiSetString() throws UnresolvedEndpointException {
        return ConfigWriter.uapiSet(this, e -> null);
    }

    /**
     * Like {@link #toUapiSetString()}, resolving endpoint host names with {@code resolver}.
     *
     * @throws UnresolvedEndpointException if the resolver fails for an endpoint
     */
    public String toUapiSetString(EndpointResolver resolver) throws UnresolvedEndpointException {
        return ConfigWriter.uapiSet(this, Objects.requireNonNull(resolver, "resolver"));
    }

    /* ---------- object ---------- */

    /** Zeroes the private key and every preshared key held by this config's sections. */
    @Override
    public void destroy() {
        iface.destroy();
        peers.forEach(PeerConfig::destroy);
    }

    @Override
    public boolean isDestroyed() {
        return iface.isDestroyed();
    }

    /** Compares the interface and the peers (in order); keys in constant time. */
    @Override
    public boolean equals(Object o) {
        return o instanceof TunnelConfig other && iface.equals(other.iface) && peers.equals(other.peers);
    }

    @Override
    public int hashCode() {
        return iface.hashCode() * 31 + peers.hashCode();
    }

    /** The interface and peers, by public key: never a private or preshared key. */
    @Override
    public String toString() {
        return "(Tunnel " + iface + " " + peers + ")";
    }

    /**
     * Collects the sections of a {@link TunnelConfig}. Not thread-safe. The sections are
     * immutable and are shared, not copied: {@link TunnelConfig#destroy()} zeroes the keys of the
     * sections it was built from.
     */
    public static final class Builder {
        // No default; must be set before build().
        private InterfaceConfig iface;
        // Defaults to an empty list; order kept.
        private final List<PeerConfig> peers = new ArrayList<>();

        private Builder() {}

        /** Sets the {@code [Interface]} section (required). */
        public Builder setInterface(InterfaceConfig value) {
            this.iface = Objects.requireNonNull(value, "interface");
            return this;
        }

        /** Adds a {@code [Peer]} section. */
        public Builder addPeer(PeerConfig peer) {
            peers.add(Objects.requireNonNull(peer, "peer"));
            return this;
        }

        /** Replaces all peers. */
        public Builder setPeers(Collection<PeerConfig> list) {
            List<PeerConfig> copy = List.copyOf(list);
            peers.clear();
            peers.addAll(copy);
            return this;
        }

        /**
         * A new {@link TunnelConfig}.
         *
         * @throws IllegalStateException    if no interface was set
         * @throws IllegalArgumentException if two peers share a public key, or a peer has the
         *                                  interface's own public key
         */
        public TunnelConfig build() {
            if (iface == null) {
                throw new IllegalStateException("the [Interface] section is required");
            }
            Set<PublicKey> seen = new HashSet<>();
            for (PeerConfig p : peers) {
                if (p.publicKey().equals(iface.publicKey())) {
                    throw new IllegalArgumentException("peer " + p.publicKey() + " is the interface's own public key");
                }
                if (!seen.add(p.publicKey())) {
                    throw new IllegalArgumentException("two peers have the public key " + p.publicKey());
                }
            }
            return new TunnelConfig(this);
        }
    }
}
