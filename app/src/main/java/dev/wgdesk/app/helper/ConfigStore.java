package dev.wgdesk.app.helper;

import dev.wgdesk.engine.config.ConfigError;
import dev.wgdesk.engine.config.ParseResult;
import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.engine.config.TunnelName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The tunnel configurations the helper owns: {@code STATE_DIR/tunnels/NAME.conf}, wg-quick text,
 * the directory mode 0700 and the files 0600 (they hold private keys), owned by the helper's user
 * (root).
 *
 * <p><b>Never loses data.</b> Every write goes through {@link AtomicFiles}: a crash at any moment
 * leaves each file either old or new. A text that does not parse is refused with its
 * {@code NAME.conf:line:column} problems and the stored file is not touched. The text is stored
 * as given (comments kept), so {@code export} returns what was imported.
 *
 * <p>Thread-safe: operations are serialised.
 */
public final class ConfigStore {
    /** Name of the directory under the state directory. */
    public static final String TUNNELS_DIR = "tunnels";

    /** Largest configuration the helper stores (UTF-8 bytes): 256 KiB. */
    public static final int MAX_CONFIG_BYTES = 256 << 10;
    /** Most problems reported for one text; the rest are counted ("… and N more"). */
    public static final int MAX_REPORTED_ERRORS = 100;

    private static final System.Logger LOG = System.getLogger("wgdesk.helper.store");

    private final Path dir;

    private ConfigStore(Path dir) {
        this.dir = dir;
    }

    /**
     * Opens (creating if needed) the store under {@code stateDir}: makes both directories 0700,
     * makes every stored file 0600, and removes temporary files a crash left behind.
     */
    public static ConfigStore open(Path stateDir) throws IOException {
        AtomicFiles.ensurePrivateDirectory(stateDir);
        Path dir = stateDir.resolve(TUNNELS_DIR);
        AtomicFiles.ensurePrivateDirectory(dir);
        int removed = AtomicFiles.removeTemporaryFiles(dir) + AtomicFiles.removeTemporaryFiles(stateDir);
        if (removed > 0) {
            LOG.log(System.Logger.Level.INFO, "Removed {0} incomplete temporary file(s) from {1}", removed, dir);
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.conf")) {
            for (Path f : files) {
                if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)
                        && !Files.getPosixFilePermissions(f, LinkOption.NOFOLLOW_LINKS).equals(AtomicFiles.FILE_MODE)) {
                    Files.setPosixFilePermissions(f, AtomicFiles.FILE_MODE);
                    LOG.log(System.Logger.Level.WARNING, "{0} was readable by others; made it 0600", f);
                }
            }
        }
        return new ConfigStore(dir);
    }

    /** The directory holding the {@code .conf} files. */
    public Path directory() {
        return dir;
    }

    /** The stored tunnels' names, sorted. Files whose names are not valid tunnel names are ignored. */
    public synchronized List<String> list() throws StoreException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.conf")) {
            for (Path f : files) {
                String file = f.getFileName().toString();
                String name = file.substring(0, file.length() - ".conf".length());
                if (TunnelName.validate(name).isEmpty() && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    names.add(name);
                }
            }
        } catch (IOException e) {
            throw io("cannot list " + dir, e);
        }
        names.sort(Comparator.naturalOrder());
        return names;
    }

    /** True if a tunnel of that (valid) name is stored. */
    public synchronized boolean exists(String name) throws StoreException {
        return Files.isRegularFile(file(name), LinkOption.NOFOLLOW_LINKS);
    }

    /** The stored text of a tunnel. */
    public synchronized String read(String name) throws StoreException {
        Path f = file(name);
        try {
            if (Files.size(f) > MAX_CONFIG_BYTES) {
                throw new StoreException(StoreException.Kind.INVALID_CONFIG, f.getFileName() + " is " + Files.size(f)
                        + " bytes, more than the limit of " + MAX_CONFIG_BYTES + " bytes (256 KiB)");
            }
            return new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw notFound(name);
        } catch (IOException e) {
            throw io("cannot read " + f, e);
        }
    }

    /**
     * The stored tunnel, parsed. The caller owns the result and should
     * {@linkplain TunnelConfig#destroy() destroy} it when done.
     *
     * @throws StoreException {@link StoreException.Kind#INVALID_CONFIG} if the file was edited
     *                        into something that does not parse
     */
    public TunnelConfig load(String name) throws StoreException {
        String text = read(name);
        return parse(name, text);
    }

    /**
     * Creates the tunnel, or replaces its text, after checking that {@code text} parses.
     *
     * @throws StoreException INVALID_NAME, INVALID_CONFIG (nothing written), or IO
     */
    public synchronized void save(String name, String text) throws StoreException {
        parse(name, text).destroy();
        write(file(name), text);
        LOG.log(System.Logger.Level.INFO, "Saved tunnel {0}", name);
    }

    /**
     * Like {@link #save} but refuses to replace an existing tunnel.
     *
     * @throws StoreException ALREADY_EXISTS, INVALID_NAME, INVALID_CONFIG, or IO
     */
    public synchronized void create(String name, String text) throws StoreException {
        Path f = file(name);
        if (Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
            throw new StoreException(StoreException.Kind.ALREADY_EXISTS, "a tunnel named " + name + " exists already");
        }
        parse(name, text).destroy();
        write(f, text);
        LOG.log(System.Logger.Level.INFO, "Created tunnel {0}", name);
    }

    /** Deletes a tunnel's file. */
    public synchronized void delete(String name) throws StoreException {
        Path f = file(name);
        try {
            if (!AtomicFiles.delete(f)) {
                throw notFound(name);
            }
        } catch (IOException e) {
            throw io("cannot delete " + f, e);
        }
        LOG.log(System.Logger.Level.INFO, "Deleted tunnel {0}", name);
    }

    /** Renames a tunnel's file. */
    public synchronized void rename(String from, String to) throws StoreException {
        Path src = file(from);
        Path dst = file(to);
        if (!Files.exists(src, LinkOption.NOFOLLOW_LINKS)) {
            throw notFound(from);
        }
        if (Files.exists(dst, LinkOption.NOFOLLOW_LINKS)) {
            throw new StoreException(StoreException.Kind.ALREADY_EXISTS, "a tunnel named " + to + " exists already");
        }
        try {
            AtomicFiles.move(src, dst);
        } catch (IOException e) {
            throw io("cannot rename " + src + " to " + dst, e);
        }
        LOG.log(System.Logger.Level.INFO, "Renamed tunnel {0} to {1}", from, to);
    }

    /**
     * Checks a tunnel name.
     *
     * @throws StoreException INVALID_NAME with the reason
     */
    public static String checkName(String name) throws StoreException {
        Optional<TunnelName.NameError> e = TunnelName.validate(name);
        if (e.isPresent()) {
            throw new StoreException(StoreException.Kind.INVALID_NAME, "invalid tunnel name: " + e.get().message());
        }
        if (name.startsWith("-")) {
            // Passed to ip, nft, resolvectl... as an argument, it would read as an option.
            throw new StoreException(StoreException.Kind.INVALID_NAME, "invalid tunnel name: " + name
                    + " starts with '-' (commands would take it for an option)");
        }
        return name;
    }

    /**
     * Parses {@code text} as the file {@code NAME.conf}.
     *
     * @throws StoreException INVALID_CONFIG with one {@code NAME.conf:line:column: ...} detail per problem
     */
    public static TunnelConfig parse(String name, String text) throws StoreException {
        checkName(name);
        int bytes = utf8Length(text);
        if (bytes > MAX_CONFIG_BYTES) {
            throw new StoreException(StoreException.Kind.INVALID_CONFIG, name + ".conf is " + bytes
                    + " bytes, more than the limit of " + MAX_CONFIG_BYTES + " bytes (256 KiB)");
        }
        ParseResult r = TunnelConfig.parseLenient(name + ".conf", text);
        if (!r.isValid()) {
            int n = r.errorCount();
            List<String> details = new ArrayList<>(r.errors().stream().limit(MAX_REPORTED_ERRORS)
                    .map(ConfigError::message).toList());
            if (n > details.size()) {
                details.add("… and " + (n - details.size()) + " more");
            }
            throw new StoreException(StoreException.Kind.INVALID_CONFIG,
                    name + ".conf has " + n + (n == 1 ? " problem: " : " problems; the first: ") + details.getFirst(),
                    details, null);
        }
        return r.config().orElseThrow();
    }

    private static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isHighSurrogate(c) ? 2 : 3; // a pair counts 4
        }
        return n;
    }

    private Path file(String name) throws StoreException {
        return dir.resolve(checkName(name) + ".conf");
    }

    private static void write(Path f, String text) throws StoreException {
        try {
            AtomicFiles.write(f, text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw io("cannot write " + f, e);
        }
    }

    private static StoreException notFound(String name) {
        return new StoreException(StoreException.Kind.NOT_FOUND, "no tunnel named " + name);
    }

    private static StoreException io(String what, IOException e) {
        return new StoreException(StoreException.Kind.IO, what + ": " + e.getMessage(), List.of(), e);
    }
}
