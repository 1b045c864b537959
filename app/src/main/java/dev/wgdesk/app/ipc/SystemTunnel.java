package dev.wgdesk.app.ipc;

import java.util.List;
import java.util.Objects;

/**
 * A WireGuard tunnel the helper found on the computer, outside its own store, as
 * {@code systemTunnels} reports it: a wg-quick file in {@code /etc/wireguard} or a NetworkManager
 * system connection. Never holds a private or preshared key. Immutable.
 *
 * @param source        {@link #WG_QUICK} or {@link #NETWORK_MANAGER}
 * @param path          the file, which {@code importSystem} names
 * @param name          the name a copy gets by default (the file's stem; NetworkManager's connection id
 *                      made a valid name)
 * @param interfaceName the interface the original runs on when it is up
 * @param up            whether the original is up now (its interface exists)
 * @param publicKey     the interface's public key, null when the file does not parse
 * @param preview       the configuration as wg-quick text with {@code PrivateKey} and
 *                      {@code PresharedKey} shown as {@code (hidden)}; null when it does not parse
 * @param problems      why it cannot be imported, and what an import leaves out (NetworkManager
 *                      settings wg-quick cannot express), one line each
 * @param importable    whether the asking user may import it now
 * @param reason        why not, when {@code importable} is false; else null
 * @param importedAs    the stored tunnel with the same public key (a copy made before), or null
 */
public record SystemTunnel(String source, String path, String name, String interfaceName, boolean up,
                           String publicKey, String preview, List<String> problems, boolean importable,
                           String reason, String importedAs) {
    /** A file of wg-quick in /etc/wireguard. */
    public static final String WG_QUICK = "wg-quick";
    /** A NetworkManager system connection. */
    public static final String NETWORK_MANAGER = "networkmanager";

    public SystemTunnel {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(interfaceName, "interfaceName");
        problems = problems == null ? List.of() : List.copyOf(problems);
    }
}
