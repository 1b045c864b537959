package dev.wgdesk.engine.config;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every key a wg-quick file may contain, with its canonical spelling, its section, and whether it
 * may be repeated. Keys are matched without regard to case, as {@code wg-quick} does.
 */
public enum ConfigKey {
    /** The interface's private key, base64 (secret). */
    PRIVATE_KEY("PrivateKey", ConfigSection.INTERFACE, false),
    /** UDP port to listen on, 0..65535; 0 or absent means random. */
    LISTEN_PORT("ListenPort", ConfigSection.INTERFACE, false, 0, 65535),
    /** Firewall mark for outgoing packets: decimal, {@code 0x} hex, or {@code off}. */
    FW_MARK("FwMark", ConfigSection.INTERFACE, false, 0, 0xFFFF_FFFFL),
    /** Interface addresses with optional prefix length; repeatable, comma-separated. */
    ADDRESS("Address", ConfigSection.INTERFACE, true),
    /** DNS servers and search domains, mixed; repeatable, comma-separated. */
    DNS("DNS", ConfigSection.INTERFACE, true),
    /** Interface MTU; absent or empty means automatic. */
    MTU("MTU", ConfigSection.INTERFACE, false, InterfaceConfig.MIN_MTU, InterfaceConfig.MAX_MTU),
    /** Routing table: {@code auto}, {@code off}, a number or a name. */
    TABLE("Table", ConfigSection.INTERFACE, false),
    /** Command run before the interface is created; repeatable. */
    PRE_UP("PreUp", ConfigSection.INTERFACE, true),
    /** Command run after the interface is up; repeatable. */
    POST_UP("PostUp", ConfigSection.INTERFACE, true),
    /** Command run before the interface is removed; repeatable. */
    PRE_DOWN("PreDown", ConfigSection.INTERFACE, true),
    /** Command run after the interface is removed; repeatable. */
    POST_DOWN("PostDown", ConfigSection.INTERFACE, true),
    /** Whether {@code wg-quick down} writes the live state back: {@code true} or {@code false}. */
    SAVE_CONFIG("SaveConfig", ConfigSection.INTERFACE, false),
    /** The peer's public key, base64. */
    PUBLIC_KEY("PublicKey", ConfigSection.PEER, false),
    /** Optional symmetric key mixed into the handshake, base64 (secret). */
    PRESHARED_KEY("PresharedKey", ConfigSection.PEER, false),
    /** Prefixes routed to and accepted from the peer; repeatable, comma-separated. */
    ALLOWED_IPS("AllowedIPs", ConfigSection.PEER, true),
    /** Where to send to the peer: {@code host:port} or {@code [ipv6]:port}. */
    ENDPOINT("Endpoint", ConfigSection.PEER, false),
    /** Seconds between keepalives, 1..65535, or {@code off}. */
    PERSISTENT_KEEPALIVE("PersistentKeepalive", ConfigSection.PEER, false, 0, 65535);

    private static final Map<String, ConfigKey> BY_LOWER_NAME = Stream.of(values())
            .collect(Collectors.toUnmodifiableMap(k -> k.spelling.toLowerCase(Locale.ROOT), Function.identity()));

    private final String spelling;
    private final ConfigSection section;
    private final boolean repeatable;
    private final long min;
    private final long max;

    ConfigKey(String spelling, ConfigSection section, boolean repeatable) {
        this(spelling, section, repeatable, -1, -1);
    }

    ConfigKey(String spelling, ConfigSection section, boolean repeatable, long min, long max) {
        this.spelling = spelling;
        this.section = section;
        this.repeatable = repeatable;
        this.min = min;
        this.max = max;
    }

    /** The canonical wg-quick spelling, e.g. {@code AllowedIPs}. */
    public String spelling() {
        return spelling;
    }

    /** The section this key belongs in. */
    public ConfigSection section() {
        return section;
    }

    /** True when the key may appear on several lines of one section, its values adding up. */
    public boolean isRepeatable() {
        return repeatable;
    }

    /** True for keys whose value is secret and must never be shown or logged. */
    public boolean isSecret() {
        return this == PRIVATE_KEY || this == PRESHARED_KEY;
    }

    /** True for keys whose value is a number (possibly also accepting a word such as {@code off}). */
    public boolean isNumeric() {
        return min >= 0;
    }

    /** The smallest number the key accepts, for {@linkplain #isNumeric() numeric} keys. */
    public OptionalLong minValue() {
        return isNumeric() ? OptionalLong.of(min) : OptionalLong.empty();
    }

    /** The largest number the key accepts, for {@linkplain #isNumeric() numeric} keys. */
    public OptionalLong maxValue() {
        return isNumeric() ? OptionalLong.of(max) : OptionalLong.empty();
    }

    /**
     * The key spelled {@code name}, compared without regard to ASCII case (as {@code wg-quick}
     * does under {@code LC_ALL=C}); empty for any other name.
     */
    public static Optional<ConfigKey> lookup(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) > 0x7e) {
                return Optional.empty();
            }
        }
        return Optional.ofNullable(BY_LOWER_NAME.get(name.toLowerCase(Locale.ROOT)));
    }

    /** The canonical spelling. */
    @Override
    public String toString() {
        return spelling;
    }
}
