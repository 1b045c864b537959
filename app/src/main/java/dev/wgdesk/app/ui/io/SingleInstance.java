package dev.wgdesk.app.ui.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One tray app per user and helper: the first start listens on a per-user UNIX socket; a later
 * start (the app menu, a double-clicked .conf, the login autostart) hands its request to the
 * running app, which shows its window or opens the files, and exits at once, before JavaFX even
 * loads. Without this a user would get two tray icons and two windows that both think they own
 * the tunnels' view.
 *
 * <p>The socket lives in {@code $XDG_RUNTIME_DIR/wgdesk} (else {@code /tmp/wgdesk-ui-USER}), a
 * directory only its owner can enter, so only the same user can talk to it. On Windows (whose
 * file systems have no POSIX permissions; AF_UNIX sockets exist since Windows 10 1803) it lives in
 * {@code %LOCALAPPDATA%\wgdesk}, inside the user's profile, which Windows' own ACL keeps to the
 * user, SYSTEM and Administrators; there the permission check is left to that ACL. The protocol is a few
 * text lines: {@code wgdesk-ui 1}, then {@code show}, {@code quiet} (for the autostart: nothing to
 * show) or {@code open PATH} lines, an empty line, and the answer {@code ok}.
 */
public final class SingleInstance implements AutoCloseable {
    private static final String HELLO = "wgdesk-ui 1";
    private static final int CONNECT_TIMEOUT_MS = 3000;
    private static final Object CLAIMING = new Object();
    private static final System.Logger LOG = System.getLogger(SingleInstance.class.getName());

    /** What the running app is asked to do. */
    public interface Handler {
        /** Show and raise the window. */
        void show();

        /** Open these files (import preview or zip import), then show the window. */
        void open(List<Path> files);
    }

    /**
     * A request from a new start.
     *
     * @param show  show the window (false for the login autostart)
     * @param files files to open, absolute
     */
    public record Request(boolean show, List<Path> files) {
        /** Copies the list. */
        public Request {
            files = files.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        }
    }

    /** What {@link #claim} found. */
    public sealed interface Outcome {
        /** Another instance runs and took the request: exit. */
        record Forwarded() implements Outcome {}

        /** This is the only instance; it now listens for later starts. */
        record Claimed(SingleInstance instance) implements Outcome {}

        /** The check itself failed (no runtime directory, ...): run anyway, alone. */
        record Unavailable(String reason) implements Outcome {}
    }

    private final ServerSocketChannel server;
    private final Path socket;
    private final List<Object> pending = new ArrayList<>();
    private Handler handler;
    private volatile boolean closed;

    private SingleInstance(ServerSocketChannel server, Path socket) {
        this.server = server;
        this.socket = socket;
        Thread t = new Thread(this::serve, "wgdesk-ui-instance");
        t.setDaemon(true);
        t.start();
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "wgdesk-ui-instance-cleanup"));
    }

    /**
     * The socket for this user and key (the helper socket the app talks to, or "demo").
     */
    public static Path socketFor(String key) {
        String name = "ui-" + Integer.toHexString(key.hashCode()) + ".sock";
        if (DesktopOs.current() == DesktopOs.WINDOWS) {
            String local = System.getenv("LOCALAPPDATA");
            Path base = local != null && !local.isBlank() ? Path.of(local)
                    : Path.of(System.getProperty("user.home"), "AppData", "Local");
            return base.resolve("wgdesk").resolve(name);
        }
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        Path dir = runtime != null && !runtime.isBlank() && Files.isDirectory(Path.of(runtime))
                ? Path.of(runtime, "wgdesk")
                : Path.of(System.getProperty("java.io.tmpdir"), "wgdesk-ui-" + System.getProperty("user.name"));
        return dir.resolve(name);
    }

    /**
     * Hands {@code request} to a running instance listening on {@code socket}, or becomes that
     * instance. Blocking (at most a few seconds); call it before the UI starts.
     */
    public static Outcome claim(Path socket, Request request) {
        return claim(socket, request, DesktopOs.current() != DesktopOs.WINDOWS);
    }

    /** {@link #claim(Path, Request)}, with the POSIX privacy check of the directory on or off (Windows). */
    static Outcome claim(Path socket, Request request, boolean posix) {
        Objects.requireNonNull(request, "request");
        try {
            Path dir = socket.getParent();
            if (!posix) {
                Files.createDirectories(dir); // in the user's profile: private by its inherited ACL
            } else if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            if (posix && (!Files.getOwner(dir).getName().equals(System.getProperty("user.name"))
                    || !Files.getPosixFilePermissions(dir).equals(PosixFilePermissions.fromString("rwx------")))) {
                // Somebody else's directory, or one others may enter: don't talk through it.
                return new Outcome.Unavailable(dir + " is not private to " + System.getProperty("user.name"));
            }
            // Starts claim one at a time (a lock file for other processes, a monitor for this one),
            // so that one never takes another's socket for stale between its bind and its listen.
            synchronized (CLAIMING) {
                try (FileChannel lockFile = FileChannel.open(socket.resolveSibling(socket.getFileName() + ".lock"),
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     FileLock held = lockFile.lock()) {
                    for (int attempt = 0; attempt < 3; attempt++) {
                        if (forward(socket, request)) {
                            return new Outcome.Forwarded();
                        }
                        Files.deleteIfExists(socket); // stale: nobody listens
                        try {
                            ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                            s.bind(UnixDomainSocketAddress.of(socket));
                            return new Outcome.Claimed(new SingleInstance(s, socket));
                        } catch (IOException raced) {
                            // An app that does not take the lock (an older version) bound it: try again.
                        }
                    }
                }
            }
            return new Outcome.Unavailable("could not claim or reach " + socket);
        } catch (IOException | UnsupportedOperationException e) {
            return new Outcome.Unavailable(e.getMessage());
        }
    }

    private static boolean forward(Path socket, Request request) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            StringBuilder msg = new StringBuilder(HELLO).append('\n');
            msg.append(request.show() || !request.files().isEmpty() ? "show" : "quiet").append('\n');
            for (Path p : request.files()) {
                if (p.toString().contains("\n")) {
                    continue; // cannot be sent in a line; not a file anyone double-clicked
                }
                msg.append("open ").append(p).append('\n');
            }
            msg.append('\n');
            OutputStream out = Channels.newOutputStream(ch);
            out.write(msg.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            Thread timeout = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(CONNECT_TIMEOUT_MS);
                    ch.close();
                } catch (InterruptedException | IOException ignored) {
                    // answered in time, or closed
                }
            });
            String answer = in.readLine();
            timeout.interrupt();
            return "ok".equals(answer);
        } catch (IOException e) {
            return false; // refused (stale socket) or the other instance is stuck: take over
        }
    }

    /**
     * Sets what requests do. Requests that arrived before are delivered now. Called on any
     * thread; the handler is called on the instance's own thread and must hand work to the UI
     * thread itself.
     */
    public synchronized void setHandler(Handler h) {
        handler = Objects.requireNonNull(h, "h");
        for (Object o : pending) {
            deliver(o);
        }
        pending.clear();
    }

    private synchronized void dispatch(Object request) {
        if (handler == null) {
            pending.add(request);
        } else {
            deliver(request);
        }
    }

    @SuppressWarnings("unchecked")
    private void deliver(Object request) {
        if (request instanceof List<?> files) {
            handler.open((List<Path>) files);
        } else {
            handler.show();
        }
    }

    private void serve() {
        while (!closed && server.isOpen()) {
            try (SocketChannel ch = server.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
                if (!HELLO.equals(in.readLine())) {
                    continue;
                }
                boolean show = false;
                List<Path> files = new ArrayList<>();
                for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
                    if (line.equals("show")) {
                        show = true;
                    } else if (line.startsWith("open ")) {
                        files.add(Path.of(line.substring(5)));
                    }
                }
                OutputStream out = Channels.newOutputStream(ch);
                out.write("ok\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (!files.isEmpty()) {
                    dispatch(List.copyOf(files));
                } else if (show) {
                    dispatch("show");
                }
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.DEBUG, "instance socket: " + e.getMessage());
                }
            }
        }
    }

    /** Where this instance listens. */
    public Path socket() {
        return socket;
    }

    /** Stops listening and removes the socket. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing " + socket + ": " + e.getMessage());
        }
    }
}
