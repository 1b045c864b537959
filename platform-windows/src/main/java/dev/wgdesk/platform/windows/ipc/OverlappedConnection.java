package dev.wgdesk.platform.windows.ipc;

import dev.wgdesk.engine.platform.IpcTransport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One end of a pipe opened for overlapped I/O, as the streams of an
 * {@link IpcTransport.Connection}: the server's instance ({@link NamedPipeTransport}, through
 * {@link PipeNative}) and the client's file ({@link PipeClient}, through the JDK) differ only in
 * the single read and write they issue. Here, the same for both:
 * <ul>
 *   <li>a read that completes with no bytes (a zero-length message) is issued again, so the
 *       stream returns bytes or the end, never 0;</li>
 *   <li>a read and a write may be pending at once (one lock each, never the same), so a reader
 *       waiting for the other side does not hold up a writer;</li>
 *   <li>once closed, or once a pending operation was cancelled by {@code close()}
 *       ({@link AsynchronousCloseException}), reads and writes fail with
 *       {@link ClosedChannelException};</li>
 *   <li>a pipe has no half-close: {@link #shutdownOutput()} only makes further writes fail.</li>
 * </ul>
 */
abstract class OverlappedConnection implements IpcTransport.Connection {
    /** Held by every read of the input stream; a subclass may hold it to read ahead or to free the handle. */
    protected final ReentrantLock readLock = new ReentrantLock();
    /** Held by every write of the output stream; a subclass may hold it to free the handle. */
    protected final ReentrantLock writeLock = new ReentrantLock();
    private volatile boolean outputShut;

    /**
     * Issues one read and waits for it.
     *
     * @return the bytes read; 0 when it completed empty; -1 when the other end closed
     * @throws AsynchronousCloseException when {@code close()} cancelled it
     */
    protected abstract int readOnce(byte[] b, int off, int len) throws IOException;

    /**
     * Writes all {@code len} bytes, waiting for them.
     *
     * @throws AsynchronousCloseException when {@code close()} cancelled it
     */
    protected abstract void writeFully(byte[] b, int off, int len) throws IOException;

    /** Whether {@code close()} was called. */
    protected abstract boolean isClosed();

    /**
     * Reads until at least one byte or the end arrives. The caller holds {@link #readLock}.
     *
     * @return the bytes read, at least 1; -1 at the end
     */
    protected final int readPipe(byte[] b, int off, int len) throws IOException {
        try {
            while (true) {
                if (isClosed()) {
                    throw new ClosedChannelException();
                }
                int n = readOnce(b, off, len);
                if (n != 0) {
                    return n;
                }
            }
        } catch (AsynchronousCloseException e) {
            throw new ClosedChannelException();
        }
    }

    /**
     * What the input stream returns for a read of {@code len > 0} bytes, {@link #readLock} held:
     * {@link #readPipe} unless a subclass has bytes of its own to hand out first.
     */
    protected int readStream(byte[] b, int off, int len) throws IOException {
        return readPipe(b, off, len);
    }

    private final InputStream in = new InputStream() {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            readLock.lock();
            try {
                return readStream(b, off, len);
            } finally {
                readLock.unlock();
            }
        }

        @Override
        public void close() throws IOException {
            OverlappedConnection.this.close();
        }
    };

    private final OutputStream out = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            writeLock.lock();
            try {
                if (isClosed() || outputShut) {
                    throw new ClosedChannelException();
                }
                writeFully(b, off, len);
            } catch (AsynchronousCloseException e) {
                throw new ClosedChannelException();
            } finally {
                writeLock.unlock();
            }
        }

        @Override
        public void close() throws IOException {
            OverlappedConnection.this.close();
        }
    };

    @Override
    public final InputStream input() {
        return in;
    }

    @Override
    public final OutputStream output() {
        return out;
    }

    /** Further writes fail; what was written stays readable by the other end. */
    @Override
    public final void shutdownOutput() {
        outputShut = true;
    }
}
