package dev.wgdesk.platform.windows;

import dev.wgdesk.engine.tun.TunProvider;
import java.io.IOException;
import java.util.Locale;

/**
 * Creates {@link WintunTun}s on Windows: one Wintun adapter per tunnel, named after the tunnel,
 * with the tunnel's deterministic GUID ({@link AdapterGuid}), and a session with an 8 MiB ring.
 * Found through {@link java.util.ServiceLoader} as a {@link TunProvider}.
 *
 * <p>An adapter of that name that already exists (left by a helper that crashed, on a Wintun
 * that keeps adapters) is opened and reused rather than duplicated; otherwise it is created.
 * Creating an adapter and starting a session need an administrator (the helper service runs as
 * LocalSystem). Failures are {@link WindowsTunException}s with a reason. wintun.dll is loaded on
 * first use, from the application directory only ({@link JnaWintun}).
 */
public final class WindowsTunProvider implements TunProvider {
    /** The tunnel type Windows shows for our adapters. */
    public static final String TUNNEL_TYPE = "wgdesk";
    /** Longest adapter name Wintun accepts ({@code MAX_ADAPTER_NAME} 128 with the NUL). */
    public static final int MAX_NAME = 127;
    /** Packets per read and write call: one, as wireguard-go on Windows. */
    public static final int DEFAULT_BATCH_SIZE = 1;

    private final WintunNative fixedApi; // null: load wintun.dll on first create
    private final int batchSize;

    /** The provider ServiceLoader finds: the real wintun.dll, batch size {@value #DEFAULT_BATCH_SIZE}. */
    public WindowsTunProvider() {
        this.fixedApi = null;
        this.batchSize = DEFAULT_BATCH_SIZE;
    }

    /** With another native layer (tests: a fake ring) and batch size 1..1024. */
    WindowsTunProvider(WintunNative api, int batchSize) {
        if (batchSize < 1 || batchSize > 1024) {
            throw new IllegalArgumentException("batch size must be 1..1024, not " + batchSize);
        }
        this.fixedApi = api;
        this.batchSize = batchSize;
    }

    @Override
    public boolean isSupported() {
        if (fixedApi != null) {
            return true;
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        return os.startsWith("windows") && (arch.equals("amd64") || arch.equals("aarch64"));
    }

    /**
     * Opens or creates the adapter {@code name} and starts its session.
     *
     * @param name the tunnel name (1..127 characters, no control characters)
     * @param mtu  the MTU the network configuration will give the interface (68..65535)
     */
    @Override
    public WintunTun create(String name, int mtu) throws IOException {
        validateName(name);
        if (mtu < 68 || mtu > WintunNative.MAX_IP_PACKET_SIZE) {
            throw new WindowsTunException(WindowsTunException.Reason.INVALID_MTU, 0,
                    "MTU must be 68..65535, not " + mtu);
        }
        WintunNative api = fixedApi != null ? fixedApi : JnaWintun.load();
        api.setLogger(WindowsTunProvider::log);
        long adapter = api.openAdapter(name);
        if (adapter == 0) {
            adapter = api.createAdapter(name, TUNNEL_TYPE, AdapterGuid.toWindowsBytes(AdapterGuid.of(name)));
            if (adapter == 0) {
                int error = api.lastError();
                throw failure("cannot create the Wintun adapter " + name, error);
            }
        }
        long session = 0;
        long closeEvent = 0;
        try {
            long luid = api.adapterLuid(adapter);
            session = api.startSession(adapter, WintunTun.RING_CAPACITY);
            if (session == 0) {
                throw failure("cannot start a session on the Wintun adapter " + name, api.lastError());
            }
            long readEvent = api.readWaitEvent(session);
            if (readEvent == 0) {
                throw failure("the Wintun session of " + name + " has no read event", api.lastError());
            }
            closeEvent = api.createEvent();
            if (closeEvent == 0) {
                throw failure("cannot create an event for " + name, api.lastError());
            }
            return new WintunTun(api, name, adapter, session, readEvent, closeEvent, luid, mtu, batchSize);
        } catch (IOException | RuntimeException e) {
            if (session != 0) {
                api.endSession(session);
            }
            api.closeAdapter(adapter); // removes an adapter created above
            throw e;
        }
    }

    private static final System.Logger LOG = System.getLogger("dev.wgdesk.platform.windows.wintun");

    /** Wintun's own log lines (driver installation, adapter creation) go to the helper's log. */
    static void log(WintunNative.LogLevel level, long timestamp, String message) {
        System.Logger.Level l = switch (level) {
            case INFO -> System.Logger.Level.INFO;
            case WARN -> System.Logger.Level.WARNING;
            case ERR -> System.Logger.Level.ERROR;
        };
        LOG.log(l, "wintun: " + message);
    }

    /** Checks an adapter name: 1..127 characters, no control characters. */
    static void validateName(String name) throws WindowsTunException {
        if (name == null || name.isEmpty()) {
            throw new WindowsTunException(WindowsTunException.Reason.INVALID_NAME, 0,
                    "a Wintun adapter needs a name (the tunnel name)");
        }
        if (name.length() > MAX_NAME) {
            throw new WindowsTunException(WindowsTunException.Reason.INVALID_NAME, 0,
                    "adapter name longer than " + MAX_NAME + " characters: " + name.length());
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                throw new WindowsTunException(WindowsTunException.Reason.INVALID_NAME, 0,
                        "adapter name has a control character at index " + i);
            }
        }
    }

    private static WindowsTunException failure(String what, int error) {
        WindowsTunException.Reason reason = switch (error) {
            case WintunNative.ERROR_ACCESS_DENIED -> WindowsTunException.Reason.PERMISSION_DENIED;
            case WintunNative.ERROR_FILE_NOT_FOUND -> WindowsTunException.Reason.DRIVER_FAILED;
            default -> WindowsTunException.Reason.OTHER;
        };
        String hint = reason == WindowsTunException.Reason.PERMISSION_DENIED
                ? ": this needs an administrator; tunnels are brought up by the wgdesk helper service"
                : "";
        return new WindowsTunException(reason, error, what + ": " + WindowsTunException.describe(error) + hint);
    }
}
