package dev.wgdesk.app.ipc;

import java.util.Objects;

/**
 * Something the helper pushes to subscribed clients, unasked. On the wire an event is
 * {@code {"type":"event","event":KIND,"data":{...}}} where {@code data} holds the record's
 * components; {@link #kind()} gives {@code KIND}.
 */
public sealed interface IpcEvent {
    /** The wire name of this event's kind. */
    String kind();

    /**
     * A tunnel changed state.
     *
     * @param name     the tunnel
     * @param state    its new state
     * @param previous its state before
     * @param message  why, for people (e.g. the failed step), or null
     */
    record StateChanged(String name, TunnelState state, TunnelState previous, String message) implements IpcEvent {
        public static final String KIND = "state";

        public StateChanged {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(previous, "previous");
        }

        @Override
        public String kind() {
            return KIND;
        }
    }

    /**
     * A handshake with a peer completed.
     *
     * @param name       the tunnel
     * @param peer       the peer's public key, base64
     * @param timeMillis when (epoch ms)
     */
    record HandshakeCompleted(String name, String peer, long timeMillis) implements IpcEvent {
        public static final String KIND = "handshake";

        public HandshakeCompleted {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(peer, "peer");
        }

        @Override
        public String kind() {
            return KIND;
        }
    }

    /**
     * Something went wrong outside a request (a tunnel died, a restore failed at start-up).
     *
     * @param name    the tunnel it concerns, or null
     * @param message what happened
     */
    record ErrorOccurred(String name, String message) implements IpcEvent {
        public static final String KIND = "error";

        public ErrorOccurred {
            Objects.requireNonNull(message, "message");
        }

        @Override
        public String kind() {
            return KIND;
        }
    }

    /**
     * A line was logged.
     *
     * @param entry the line
     */
    record LogLine(LogEntry entry) implements IpcEvent {
        public static final String KIND = "log";

        public LogLine {
            Objects.requireNonNull(entry, "entry");
        }

        @Override
        public String kind() {
            return KIND;
        }
    }
}
