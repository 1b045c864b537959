package dev.wgdesk.platform.windows.ipc;

import dev.wgdesk.engine.platform.ClientIdentity;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutionException;

/**
 * The client end of the helper's pipe, without JNA: a pipe opens as a file. It is opened as an
 * {@link AsynchronousFileChannel}, which the JDK on Windows opens with
 * {@code FILE_FLAG_OVERLAPPED}, so that a read pending on one thread does not block a write on
 * another (synchronous handles serialise all I/O on a file object; the position argument is
 * ignored for pipes). While the server has every instance busy the open is retried for up to
 * {@value #BUSY_RETRY_MS} ms. Runs only on Windows; nothing to test on Linux beyond the refusal
 * of a missing pipe. A pipe has no half-close: the helper sees the end at {@link #close()}.
 */
final class PipeClient extends OverlappedConnection {
    static final int BUSY_RETRY_MS = 5_000;

    private final AsynchronousFileChannel ch;

    private PipeClient(AsynchronousFileChannel ch) {
        this.ch = ch;
    }

    static PipeClient open(String address) throws IOException {
        Path p = Path.of(address);
        long deadline = System.nanoTime() + BUSY_RETRY_MS * 1_000_000L;
        while (true) {
            try {
                return new PipeClient(AsynchronousFileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE));
            } catch (NoSuchFileException e) {
                throw new IOException("the wgdesk helper is not running (" + address
                        + " does not exist); start the service: sc start wgdesk-helper", e);
            } catch (FileSystemException e) {
                // ERROR_PIPE_BUSY: every instance is connected; the server creates the next one at once
                if (System.nanoTime() > deadline) {
                    throw new IOException("cannot open " + address + ": " + e.getReason(), e);
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while opening " + address, ie);
                }
            }
        }
    }

    @Override
    protected int readOnce(byte[] b, int off, int len) throws IOException {
        try {
            return ch.read(ByteBuffer.wrap(b, off, len), 0).get();
        } catch (ExecutionException e) {
            if (!ch.isOpen()) {
                throw new ClosedChannelException();
            }
            // ERROR_BROKEN_PIPE: the helper closed its end; whatever it wrote was read before
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    protected void writeFully(byte[] b, int off, int len) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b, off, len);
        try {
            while (buf.hasRemaining()) {
                ch.write(buf, 0).get();
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    protected boolean isClosed() {
        return !ch.isOpen();
    }

    @Override
    public ClientIdentity client() throws IOException {
        throw new IOException("the client end of the pipe has no client identity");
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
