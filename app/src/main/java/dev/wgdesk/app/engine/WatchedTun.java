package dev.wgdesk.app.engine;

import dev.wgdesk.engine.tun.Tun;
import dev.wgdesk.engine.tun.TunEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A {@link Tun} that reports the first failed {@link #read} that was not caused by
 * {@link #close()}, so the engine can shut down when its interface is gone (wireguard-go does
 * the same on "Failed to read packet from TUN device"). Everything else is passed through.
 */
final class WatchedTun implements Tun {
    private final Tun delegate;
    private final Consumer<IOException> onReadFailure;
    private volatile boolean closing;
    private volatile boolean reported;

    WatchedTun(Tun delegate, Consumer<IOException> onReadFailure) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.onReadFailure = Objects.requireNonNull(onReadFailure, "onReadFailure");
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public int mtu() throws IOException {
        return delegate.mtu();
    }

    @Override
    public int batchSize() {
        return delegate.batchSize();
    }

    @Override
    public int read(ByteBuffer[] bufs, int count) throws IOException {
        try {
            return delegate.read(bufs, count);
        } catch (IOException e) {
            if (!closing && !reported) {
                reported = true;
                onReadFailure.accept(e);
            }
            throw e;
        }
    }

    @Override
    public void write(ByteBuffer[] bufs, int count) throws IOException {
        delegate.write(bufs, count);
    }

    @Override
    public void onEvent(Consumer<TunEvent> listener) {
        delegate.onEvent(listener);
    }

    @Override
    public void close() throws IOException {
        closing = true;
        delegate.close();
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
