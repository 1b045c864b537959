package dev.wgdesk.platform.macos;

import dev.wgdesk.engine.platform.AtomicTextFile;
import dev.wgdesk.engine.platform.UapiServer;
import dev.wgdesk.engine.platform.UapiSocket;
import dev.wgdesk.engine.platform.UnixUapiServer;
import dev.wgdesk.engine.uapi.ErrnoConvention;
import dev.wgdesk.engine.uapi.UapiTarget;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The userspace API of a macOS helper tunnel, where {@code wg} and {@code wg-quick} look for it,
 * as wireguard-go serves it under wg-quick: the socket {@code DIR/utunN.sock} (the interface the
 * kernel named; {@code wg show utunN}) and the name file {@code DIR/TUNNEL.name} holding
 * {@code utunN}, through which {@code wg-quick} maps the tunnel's name to its interface. The name
 * file is written atomically (temporary file, fsync, rename) right after the socket, since
 * wg-quick trusts it only when the two are within 2 s of each other; it is written only when the
 * tunnel's name is a valid wg interface name other than the utun's, and never over the name file
 * of another running tunnel of the same name (a warning says so). Both go away on
 * {@link Published#close()}, each only if still this tunnel's. {@code DIR} is
 * {@code /var/run/wireguard}. Not yet run on a Mac.
 */
final class MacUapi {
    /** How often each socket file is looked at (the JDK's watch service only polls on macOS). */
    static final Duration SOCKET_CHECK = Duration.ofMillis(500);

    private final UnixUapiServer server;

    /** Sockets and name files in {@code directory} ({@link UapiSocket#DEFAULT_DIRECTORY}; tests: a temporary one). */
    MacUapi(Path directory) {
        this.server = new UnixUapiServer(directory, SOCKET_CHECK, ErrnoConvention.DARWIN);
    }

    /** What {@link #publish} made. */
    interface Published extends AutoCloseable {
        @Override
        void close();
    }

    Path directory() {
        return server.directory();
    }

    /** {@code DIR/NAME.name}. */
    Path nameFile(String tunnel) {
        return directory().resolve(tunnel + ".name");
    }

    /**
     * Serves {@code target} on {@code utun.sock} and maps {@code tunnel} to it; what cannot be done
     * goes to {@code warnings} (the tunnel stays up).
     */
    Published publish(String tunnel, String utun, UapiTarget target, Consumer<String> warnings) {
        UapiServer.Endpoint socket = server.serveOrWarn(utun, target, warnings);
        if (socket == UapiServer.Endpoint.NONE) {
            return () -> { };
        }
        Path name = null;
        if (!tunnel.equals(utun) && UapiSocket.isValidName(tunnel)) {
            Path f = nameFile(tunnel);
            String theirs = liveMapping(f);
            if (theirs != null && !theirs.equals(utun)) {
                warnings.accept("wg-quick will not find " + tunnel + " as " + utun + ": " + f + " names " + theirs
                        + ", a running interface; it is left alone (wg show " + utun + " works)");
            } else {
                try {
                    AtomicTextFile.write(f, utun + "\n", PosixFilePermissions.fromString("rw-r--r--"));
                    name = f;
                } catch (IOException e) {
                    warnings.accept("wg-quick will not find " + tunnel + " as " + utun + ": cannot write " + f + ": "
                            + e.getMessage() + " (wg show " + utun + " works)");
                }
            }
        }
        Path written = name;
        return () -> {
            if (written != null && utun.equals(read(written))) {
                try {
                    Files.deleteIfExists(written);
                } catch (IOException e) {
                    System.getLogger(MacUapi.class.getName()).log(System.Logger.Level.WARNING,
                            "cannot remove {0}: {1}", written, e.getMessage());
                }
            }
            socket.close();
        };
    }

    /** The interface {@code nameFile} names if that interface's socket accepts connections, else null. */
    private String liveMapping(Path nameFile) {
        String utun = read(nameFile);
        if (utun == null || !UapiSocket.isValidName(utun)) {
            return null;
        }
        return UapiSocket.isListening(UapiSocket.socketPath(directory(), utun)) ? utun : null;
    }

    /** The first line of {@code f}, stripped; null if there is none. */
    private static String read(Path f) {
        try {
            if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) || Files.size(f) > 64) {
                return null;
            }
            String s = Files.readString(f, StandardCharsets.UTF_8).strip();
            return s.isEmpty() ? null : s;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * After a crash: removes {@code TUNNEL.name} and the socket it names, when that socket is not
     * accepting connections (a running interface's are left alone).
     */
    List<String> cleanupStale(String tunnel) {
        List<String> done = new ArrayList<>();
        if (!UapiSocket.isValidName(tunnel)) {
            return done;
        }
        Path f = nameFile(tunnel);
        String utun = read(f);
        if (utun == null || liveMapping(f) != null) {
            return done;
        }
        if (UapiSocket.isValidName(utun)) {
            done.addAll(server.cleanupStale(utun));
        }
        try {
            if (Files.deleteIfExists(f)) {
                done.add("removed stale name file " + f);
            }
        } catch (IOException e) {
            System.getLogger(MacUapi.class.getName()).log(System.Logger.Level.WARNING,
                    "cannot remove {0}: {1}", f, e.getMessage());
        }
        return done;
    }
}
