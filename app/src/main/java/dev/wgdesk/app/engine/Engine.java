package dev.wgdesk.app.engine;

import dev.wgdesk.engine.Protocol;
import dev.wgdesk.engine.conn.BindProvider;
import dev.wgdesk.engine.device.Device;
import dev.wgdesk.engine.device.DeviceUapiTarget;
import dev.wgdesk.engine.time.Clock;
import dev.wgdesk.engine.tun.Tun;
import dev.wgdesk.engine.tun.TunEvent;
import dev.wgdesk.engine.tun.TunProvider;
import dev.wgdesk.engine.uapi.UapiHandler;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * One running engine: a TUN interface, the WireGuard {@link Device} on it, and its UAPI socket.
 *
 * <p>{@link #start} creates the interface, brings the device up on the best available UDP bind,
 * and opens the UAPI socket, in that order (as wireguard-go). The engine asks to stop
 * ({@link #awaitStop()} returns) when the interface is deleted, reading from it fails, the UAPI
 * socket file is removed, or {@link #requestStop} is called (signals). {@link #close()} removes
 * the socket and closes the device, which zeroes its keys and deletes the interface.
 */
public final class Engine implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Engine.class.getName());

    private final String name;
    private final CompletableFuture<String> stopReason = new CompletableFuture<>();
    private final Object lifecycle = new Object();
    private Device device;
    private UapiSocket uapi;
    private boolean closed;

    private Engine(String name) {
        this.name = name;
    }

    /** Thrown when the engine cannot start; the message says what failed, for the log. */
    public static final class StartupException extends Exception {
        private static final long serialVersionUID = 1L;

        StartupException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Creates the interface {@code name}, brings the device up and listens on
     * {@code socketDirectory/NAME.sock}. On failure everything created so far is closed again.
     */
    public static Engine start(String name, Path socketDirectory) throws StartupException {
        Objects.requireNonNull(socketDirectory, "socketDirectory");
        if (!InterfaceName.isValid(name)) {
            throw new IllegalArgumentException("invalid interface name");
        }
        Engine engine = new Engine(name);
        engine.startParts(socketDirectory);
        return engine;
    }

    private void startParts(Path socketDirectory) throws StartupException {
        Tun tun;
        try {
            tun = TunProvider.load().create(name, Protocol.DEFAULT_MTU);
        } catch (IOException | RuntimeException e) {
            throw new StartupException("Failed to create TUN device: " + e.getMessage(), e);
        }
        WatchedTun watched = new WatchedTun(tun,
                e -> requestStop("Failed to read packet from TUN device: " + e.getMessage()));
        watched.onEvent(e -> {
            if (e instanceof TunEvent.Removed) {
                requestStop("interface " + name + " was removed");
            }
        });
        Device d;
        try {
            d = new Device(watched, BindProvider.createBest(), Clock.system());
        } catch (RuntimeException e) {
            closeQuietly(watched);
            throw new StartupException("Failed to create device: " + e, e);
        }
        // A device that fails (a data-path loop that cannot go on) closes itself: stop with its reason.
        d.onClosed(() -> {
            String reason = d.failureReason();
            if (reason != null) {
                requestStop(reason);
            }
        });
        try {
            d.up();
        } catch (IOException | RuntimeException e) {
            d.close();
            throw new StartupException("Failed to bring up device: " + e.getMessage(), e);
        }
        UapiSocket u;
        try {
            u = UapiSocket.open(socketDirectory, name);
        } catch (IOException | RuntimeException e) {
            d.close();
            throw new StartupException("Failed to listen on uapi socket: " + e.getMessage(), e);
        }
        synchronized (lifecycle) {
            device = d;
            uapi = u;
        }
        u.start(new UapiHandler(new DeviceUapiTarget(d)), () -> requestStop("UAPI socket " + u.path() + " is gone"));
        LOG.log(Level.DEBUG, "UAPI listener started");
        LOG.log(Level.DEBUG, "Device started");
    }

    /** The interface name. */
    public String name() {
        return name;
    }

    /** The device, for inspection. */
    public Device device() {
        synchronized (lifecycle) {
            return device;
        }
    }

    /** Asks the engine to stop; the first reason wins. Any thread. */
    public void requestStop(String reason) {
        stopReason.complete(reason);
    }

    /** True once a stop was requested. */
    public boolean stopRequested() {
        return stopReason.isDone();
    }

    /** Blocks until a stop is requested and returns the reason. */
    public String awaitStop() throws InterruptedException {
        try {
            return stopReason.get();
        } catch (ExecutionException e) {
            return String.valueOf(e.getCause());
        }
    }

    /** Removes the UAPI socket and closes the device. Idempotent; any thread. */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            stopReason.complete("closed");
            if (uapi != null) {
                uapi.close();
            }
            if (device != null) {
                device.close();
            }
        }
    }

    private static void closeQuietly(Tun tun) {
        try {
            tun.close();
        } catch (IOException e) {
            // already failing
        }
    }
}
