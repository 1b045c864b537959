package dev.wgdesk.platform.windows.ipc;

import dev.wgdesk.engine.platform.ClientIdentity;
import dev.wgdesk.engine.platform.IpcTransport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
 * of a missing pipe.
 */
final class PipeClient implements IpcTransport.Connection {
    static final int BUSY_RETRY_MS = 5_000;

    private final AsynchronousFileChannel ch;
    private volatile boolean outputShut;

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

    private final InputStream in = new InputStream() {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!ch.isOpen()) {
                throw new ClosedChannelException();
            }
            try {
                int n;
                do {
                    n = ch.read(ByteBuffer.wrap(b, off, len), 0).get();
                } while (n == 0);
                return n;
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
        public void close() throws IOException {
            PipeClient.this.close();
        }
    };

    private final OutputStream out = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (outputShut) {
                throw new ClosedChannelException();
            }
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
        public void close() throws IOException {
            PipeClient.this.close();
        }
    };

    @Override
    public InputStream input() {
        return in;
    }

    @Override
    public OutputStream output() {
        return out;
    }

    @Override
    public ClientIdentity client() throws IOException {
        throw new IOException("the client end of the pipe has no client identity");
    }

    /** A pipe has no half-close: further writes fail; the helper sees the end at {@link #close()}. */
    @Override
    public void shutdownOutput() {
        outputShut = true;
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
