package dev.wgdesk.app.helper;

import dev.wgdesk.app.ipc.ErrorCode;
import dev.wgdesk.app.ipc.IpcException;
import dev.wgdesk.app.ipc.IpcServer;
import dev.wgdesk.app.ipc.SystemTunnel;
import dev.wgdesk.engine.config.ConfigError;
import dev.wgdesk.engine.config.NmImport;
import dev.wgdesk.engine.config.NmKeyfile;
import dev.wgdesk.engine.config.NmKeyfileProblem;
import dev.wgdesk.engine.config.ParseResult;
import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.engine.config.TunnelName;
import dev.wgdesk.engine.crypto.PublicKey;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The WireGuard tunnels already on the computer, outside the helper's store: wg-quick's files in
 * {@code /etc/wireguard/*.conf} and NetworkManager's system connections of type wireguard in
 * {@code /etc/NetworkManager/system-connections/*.nmconnection}. Lists them with a preview that never
 * shows a key, marks those that are up now (their interface exists), copies one into the store
 * ({@code importSystem}: the original is only read, never moved, changed or removed), and refuses to
 * activate a stored tunnel while an original with the same private key is up.
 *
 * <p>Who may do what (docs/ipc.md, "Tunnels already on the computer"): every client may list them
 * (names, whether they are up, and the preview: the same kind of facts {@code status} shows any member
 * about every stored tunnel); only root may import one, because the files hold private keys that only
 * root may read, and a copy a member imported would be the member's, keys included.
 *
 * <p>Only regular files are read (no symbolic links), at most {@link #MAX_FILES} per directory and
 * {@link TunnelConfig#MAX_FILE_CHARS} bytes each. Thread-safe (it keeps nothing between calls).
 */
final class SystemTunnels {
    /** wg-quick's directory. */
    static final Path WG_QUICK_DIR = Path.of("/etc/wireguard");
    /** NetworkManager's system connections. */
    static final Path NM_DIR = Path.of("/etc/NetworkManager/system-connections");
    /** Most files read from one directory. */
    static final int MAX_FILES = 64;

    private static final Pattern SECRET_LINE =
            Pattern.compile("(?mi)^(\\s*(?:PrivateKey|PresharedKey)\\s*=\\s*)\\S.*$");
    private static final Pattern NM_INTERFACE = Pattern.compile("(?m)^\\s*interface-name\\s*=\\s*(\\S+)\\s*$");

    private final Path wgQuickDir;
    private final Path nmDir;
    private final Predicate<String> interfaceExists;

    /**
     * @param wgQuickDir      where wg-quick's files are
     * @param nmDir           where NetworkManager's system connections are
     * @param interfaceExists whether a network interface of that name exists now
     */
    SystemTunnels(Path wgQuickDir, Path nmDir, Predicate<String> interfaceExists) {
        this.wgQuickDir = Objects.requireNonNull(wgQuickDir, "wgQuickDir");
        this.nmDir = Objects.requireNonNull(nmDir, "nmDir");
        this.interfaceExists = Objects.requireNonNull(interfaceExists, "interfaceExists");
    }

    /** The real directories, interfaces from /sys/class/net. */
    static SystemTunnels onThisComputer() {
        return new SystemTunnels(WG_QUICK_DIR, NM_DIR, SystemTunnels::linuxInterfaceExists);
    }

    private static boolean linuxInterfaceExists(String name) {
        return !name.isEmpty() && !name.contains("/") && !name.equals(".") && !name.equals("..")
                && Files.exists(Path.of("/sys/class/net", name), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * One file found: what it holds (null when it does not parse) and its problems. {@code text} is
     * the file's text, keys included: it never leaves the helper except into the store.
     * {@code original} is what its own tool calls it (the file's stem, NetworkManager's connection id).
     */
    record Found(String source, Path path, String name, String original, String interfaceName, boolean up,
                 TunnelConfig config, List<String> problems, String text) {}

    /** Every tunnel found, wg-quick's first, each directory in file-name order. */
    List<Found> scan() {
        List<Found> all = new ArrayList<>();
        for (Path f : files(wgQuickDir, ".conf")) {
            wgQuick(f).ifPresent(all::add);
        }
        for (Path f : files(nmDir, NmKeyfile.SUFFIX)) {
            networkManager(f).ifPresent(all::add);
        }
        return all;
    }

    private static List<Path> files(Path dir, String suffix) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + suffix)) {
            for (Path p : ds) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            return out;
        }
        out.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return out.size() > MAX_FILES ? out.subList(0, MAX_FILES) : out;
    }

    private static Optional<String> read(Path f, List<String> problems) {
        try {
            if (Files.size(f) > TunnelConfig.MAX_FILE_CHARS) {
                problems.add(f.getFileName() + ": too large to be a WireGuard configuration");
                return Optional.empty();
            }
            byte[] b = Files.readAllBytes(f);
            return Optional.of(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(b)).toString());
        } catch (CharacterCodingException e) {
            problems.add(f.getFileName() + ": not UTF-8 text");
        } catch (IOException e) {
            problems.add(f.getFileName() + ": cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        return Optional.empty();
    }

    private Optional<Found> wgQuick(Path f) {
        String file = f.getFileName().toString();
        String stem = file.substring(0, file.length() - ".conf".length());
        List<String> problems = new ArrayList<>();
        String text = read(f, problems).orElse(null);
        TunnelConfig config = null;
        if (text != null) {
            ParseResult r = TunnelConfig.parseLenient(file, text);
            if (r.isValid()) {
                config = r.config().orElseThrow();
            } else {
                r.errors().stream().map(ConfigError::message).forEach(problems::add);
            }
        }
        String name = stem;
        try {
            TunnelName.of(stem);
        } catch (IllegalArgumentException e) {
            problems.add(file + ": \"" + stem + "\" is not a valid tunnel name; give the copy another one");
        }
        return Optional.of(new Found(SystemTunnel.WG_QUICK, f, name, stem, stem, interfaceExists.test(stem), config,
                problems, text));
    }

    private Optional<Found> networkManager(Path f) {
        List<String> problems = new ArrayList<>();
        Optional<String> text = read(f, problems);
        if (text.isEmpty()) {
            return Optional.empty(); // cannot tell whether it is a WireGuard connection at all
        }
        NmImport r = NmKeyfile.parse(f.getFileName().toString(), text.get());
        if (r.errors().stream().anyMatch(p -> p.reason() == NmKeyfileProblem.Reason.NOT_WIREGUARD)) {
            return Optional.empty(); // Wi-Fi, Ethernet, other VPNs
        }
        r.errors().stream().map(NmKeyfileProblem::message).forEach(problems::add);
        r.warnings().stream().map(NmKeyfileProblem::message).forEach(problems::add);
        var m = NM_INTERFACE.matcher(text.get());
        String iface = m.find() ? m.group(1) : r.name().value();
        TunnelConfig config = r.config().orElse(null);
        return Optional.of(new Found(SystemTunnel.NETWORK_MANAGER, f, r.name().value(), r.connectionId(), iface,
                interfaceExists.test(iface), config, problems, config == null ? null : config.toWgQuickString()));
    }

    /**
     * What {@code who} sees of {@code found}.
     *
     * @param stored the public keys of the stored tunnels, by tunnel name
     */
    static SystemTunnel describe(Found found, dev.wgdesk.engine.platform.ClientIdentity who, Map<String, PublicKey> stored) {
        TunnelConfig c = found.config();
        String importedAs = null;
        String pub = null;
        String preview = null;
        if (c != null) {
            PublicKey k = c.interfaceConfig().publicKey();
            pub = k.toBase64();
            preview = SECRET_LINE.matcher(c.toWgQuickString()).replaceAll("$1(hidden)");
            importedAs = stored.entrySet().stream().filter(e -> e.getValue().equals(k)).map(Map.Entry::getKey)
                    .sorted().findFirst().orElse(null);
        }
        String reason = null;
        if (c == null) {
            reason = "its file does not parse";
        } else if (!who.administrator()) {
            reason = "only root can import tunnels from the system's files: they hold private keys only root may read"
                    + " (as root: wgdesk import " + found.path() + ")";
        }
        return new SystemTunnel(found.source(), found.path().toString(), found.name(), found.interfaceName(), found.up(),
                pub, preview, found.problems(), reason == null, reason, importedAs);
    }

    /**
     * The file {@code path} names among those {@link #scan()} finds (never any other file: the
     * helper reads as root).
     *
     * @throws IpcException NOT_FOUND when it is not one of them
     */
    Found find(String path) throws IpcException {
        Found match = null;
        for (Found f : scan()) {
            if (match == null && f.path().toString().equals(path)) {
                match = f;
            } else {
                destroy(f);
            }
        }
        if (match == null) {
            throw new IpcException(ErrorCode.NOT_FOUND, "no WireGuard tunnel of wg-quick or NetworkManager at " + path);
        }
        return match;
    }

    /** Zeroes the keys {@code f} holds. */
    static void destroy(Found f) {
        if (f.config() != null) {
            f.config().destroy();
        }
    }

    /**
     * The text a copy of {@code found} is stored with: the wg-quick file as it is, or the
     * NetworkManager connection written as wg-quick text.
     *
     * @throws IpcException INVALID_CONFIG when the file does not parse
     */
    static String copyText(Found found) throws IpcException {
        if (found.config() == null || found.text() == null) {
            throw new IpcException(ErrorCode.INVALID_CONFIG, found.path() + " cannot be imported", found.problems());
        }
        return found.text();
    }

    /**
     * Why {@code config} (stored as {@code name}) may not be activated now: an original on the computer
     * with the same private key is up. Empty when nothing stands in the way.
     */
    Optional<String> refuseActivation(String name, TunnelConfig config) {
        PublicKey mine = config.interfaceConfig().publicKey();
        List<Found> all = scan();
        try {
            for (Found f : all) {
                if (f.up() && f.config() != null && f.config().interfaceConfig().publicKey().equals(mine)) {
                    boolean wgQuick = f.source().equals(SystemTunnel.WG_QUICK);
                    String stop = wgQuick ? "sudo wg-quick down " + f.interfaceName()
                            : "nmcli connection down id \"" + f.original() + "\"";
                    return Optional.of("\"" + name + "\" is a copy of " + f.path() + ", which is up now ("
                            + (wgQuick ? "wg-quick" : "NetworkManager") + ", interface " + f.interfaceName()
                            + "): both would use the same private key and take the peer's session from each other."
                            + " Stop the original first: " + stop);
                }
            }
            return Optional.empty();
        } finally {
            all.forEach(SystemTunnels::destroy);
        }
    }
}
