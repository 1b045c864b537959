package dev.wgdesk.app.ipc;

import java.nio.file.Path;
import java.util.Map;

/**
 * Constants of the helper's IPC protocol (see {@code docs/ipc.md}): version, limits, default
 * socket, method and event names. Not instantiable.
 */
public final class IpcProtocol {
    /** The protocol version this code speaks. A request that names another version is refused. */
    public static final int VERSION = 1;

    /** Largest request line a server accepts, newline included (1 MiB). */
    public static final int MAX_REQUEST_BYTES = 1 << 20;

    /** Largest message line a client accepts from the server (16 MiB: a log tail can be long). */
    public static final int MAX_SERVER_MESSAGE_BYTES = 16 << 20;

    /** Default number of clients a server serves at once; further connections are refused. */
    public static final int DEFAULT_MAX_CLIENTS = 32;

    /** Requests one connection may have in progress; further ones wait until one completes. */
    public static final int MAX_IN_FLIGHT_PER_CLIENT = 8;

    /** Messages queued for one client before it is considered stuck and disconnected. */
    public static final int MAX_QUEUED_MESSAGES = 4096;

    /** Bytes queued for one client before it is considered stuck and disconnected (32 MiB). */
    public static final long MAX_QUEUED_BYTES = 32L << 20;

    /** Connections one non-root user may have open at once (root is exempt). */
    public static final int MAX_CLIENTS_PER_USER = 8;

    /** How old an authoriser's cached group-membership answer may be (ms). */
    public static final long MEMBERSHIP_CACHE_MILLIS = 30_000;

    /** Where the helper listens unless told otherwise. */
    public static final Path DEFAULT_SOCKET = Path.of("/run/wgdesk/helper.sock");

    /** Environment variable a client reads the socket path from. */
    public static final String SOCKET_ENV = "WGDESK_SOCKET";

    /** Request method names. */
    public static final class Method {
        public static final String LIST = "list";
        public static final String GET = "get";
        public static final String SAVE = "save";
        public static final String IMPORT = "import";
        public static final String DELETE = "delete";
        public static final String RENAME = "rename";
        public static final String ACTIVATE = "activate";
        public static final String DEACTIVATE = "deactivate";
        public static final String SET_AUTOSTART = "setAutostart";
        public static final String SET_SHARED = "setShared";
        /** Sets a tunnel's on-demand rule; answers its status. */
        public static final String SET_ON_DEMAND = "setOnDemand";
        public static final String STATUS = "status";
        public static final String LOG_TAIL = "logTail";
        public static final String SUBSCRIBE = "subscribe";
        public static final String UNSUBSCRIBE = "unsubscribe";
        /** WireGuard tunnels on the computer outside the store (wg-quick, NetworkManager). */
        public static final String SYSTEM_TUNNELS = "systemTunnels";
        /** Copies one of them into the store. */
        public static final String IMPORT_SYSTEM = "importSystem";
        /** Runs a process outside the tunnels (its own and root's processes only). */
        public static final String EXCLUDE = "exclude";
        /** Puts an excluded process back. */
        public static final String UNEXCLUDE = "unexclude";
        /** The excluded processes, and whether exclusion works here. */
        public static final String EXCLUSIONS = "exclusions";

        private Method() {}
    }

    /** Message {@code type} values. */
    public static final class Type {
        public static final String HELLO = "hello";
        public static final String RESPONSE = "response";
        public static final String EVENT = "event";

        private Type() {}
    }

    private IpcProtocol() {}

    /**
     * The socket a client should use: {@code $WGDESK_SOCKET} when set and not blank, else the
     * default address of this OS's transport ({@code \\.\pipe\wgdesk-helper} on Windows), else
     * {@link #DEFAULT_SOCKET}.
     */
    public static Path defaultSocket() {
        return socketFrom(System.getenv());
    }

    /** As {@link #defaultSocket()}, reading the variable from {@code env}. */
    public static Path socketFrom(Map<String, String> env) {
        String value = env.get(SOCKET_ENV);
        if (value != null && !value.isBlank()) {
            return Path.of(value);
        }
        return dev.wgdesk.engine.platform.HelperPlatform.current()
                .map(p -> Path.of(p.ipcTransport().defaultAddress())).orElse(DEFAULT_SOCKET);
    }
}
