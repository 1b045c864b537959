package dev.wgdesk.app.ondemand;

import java.util.Optional;

/**
 * Where on-demand learns the computer's networks: NetworkManager on Linux
 * ({@link NetworkManagerSource}); macOS and Windows have none yet ({@link #unavailable}).
 */
public interface NetworkSource extends AutoCloseable {
    /**
     * Starts watching; {@code changed} runs (on any thread, possibly often: debounce it) whenever
     * the networks or the source's availability may have changed.
     */
    void start(Runnable changed);

    /** Empty when the source works, else why on-demand cannot work (said in the status and the log). */
    Optional<String> unavailableReason();

    /**
     * The current networks.
     *
     * @throws NetworkSourceException when the source cannot tell (not running, an error): the
     *                                message says why
     */
    NetworkState read() throws NetworkSourceException;

    @Override
    void close();

    /** Thrown when a source cannot read the networks. */
    final class NetworkSourceException extends Exception {
        public NetworkSourceException(String message) {
            super(message);
        }

        public NetworkSourceException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A source that never works, always for {@code reason} (an OS without a network source yet). */
    static NetworkSource unavailable(String reason) {
        return new NetworkSource() {
            @Override
            public void start(Runnable changed) {
                // nothing ever changes
            }

            @Override
            public Optional<String> unavailableReason() {
                return Optional.of(reason);
            }

            @Override
            public NetworkState read() throws NetworkSourceException {
                throw new NetworkSourceException(reason);
            }

            @Override
            public void close() {
                // nothing to release
            }
        };
    }
}
