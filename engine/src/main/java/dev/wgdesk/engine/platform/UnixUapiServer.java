package dev.wgdesk.engine.platform;

import dev.wgdesk.engine.uapi.ErrnoConvention;
import dev.wgdesk.engine.uapi.UapiHandler;
import dev.wgdesk.engine.uapi.UapiTarget;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * {@link UapiServer} on Linux and macOS: a {@link UapiSocket} {@code DIR/IFACE.sock} (mode 0600,
 * owned by root, where {@code wg} looks: {@link UapiSocket#DEFAULT_DIRECTORY}) per tunnel. A
 * socket file of that name that nobody accepts on (a crashed helper's or engine's) is replaced; a
 * live one is another process's and is not touched ({@link UapiServer.InUseException}).
 *
 * <p>When the socket file is removed from outside while the tunnel is up (for example by
 * {@code wg-quick down} on macOS, which deletes {@code utunN.sock}), the tunnel stays up, as the
 * helper owns it; a warning is logged, and {@code wg} no longer sees the tunnel.
 */
public final class UnixUapiServer implements UapiServer {
    private static final System.Logger LOG = System.getLogger(UnixUapiServer.class.getName());

    private final Path directory;
    private final Duration checkInterval;
    private final ErrnoConvention errno;

    /**
     * @param directory     where the sockets go ({@link UapiSocket#DEFAULT_DIRECTORY}; tests: a temporary directory)
     * @param checkInterval null to watch the socket files with the JDK's watch service; else how
     *                      often to look at each (macOS, where the watch service only polls slowly)
     * @param errno         the errno numbers of the host's C library, for {@code wg}'s messages
     */
    public UnixUapiServer(Path directory, Duration checkInterval, ErrnoConvention errno) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.checkInterval = checkInterval;
        this.errno = Objects.requireNonNull(errno, "errno");
    }

    /** The sockets' directory. */
    public Path directory() {
        return directory;
    }

    @Override
    public Endpoint serve(String interfaceName, UapiTarget target) throws IOException {
        Objects.requireNonNull(target, "target");
        UapiSocket s;
        try {
            s = UapiSocket.open(directory, interfaceName, checkInterval);
        } catch (UapiSocket.SocketInUseException e) {
            throw new InUseException(e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IOException("\"" + interfaceName + "\" cannot name a UAPI socket", e);
        }
        s.start(new UapiHandler(target, errno), () -> LOG.log(Level.WARNING,
                "UAPI socket {0} was removed or stopped accepting: wg no longer sees {1} (the tunnel stays up)",
                s.path(), interfaceName));
        return new Endpoint() {
            @Override
            public String address() {
                return s.path().toString();
            }

            @Override
            public void close() {
                s.close();
            }
        };
    }

    @Override
    public List<String> cleanupStale(String interfaceName) {
        if (!UapiSocket.isValidName(interfaceName)) {
            return List.of();
        }
        Path p = UapiSocket.socketPath(directory, interfaceName);
        try {
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !UapiSocket.isListening(p)) {
                Files.delete(p);
                return List.of("removed stale UAPI socket " + p);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot remove stale UAPI socket {0}: {1}", p, e.getMessage());
        }
        return List.of();
    }
}
