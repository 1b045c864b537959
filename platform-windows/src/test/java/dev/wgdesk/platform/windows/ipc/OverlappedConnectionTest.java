package dev.wgdesk.platform.windows.ipc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.platform.ClientIdentity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link OverlappedConnection}, the stream logic shared by the server's pipe instance and the
 * client's file, against a scripted pipe end: what each single read returns is queued by the test.
 */
@Timeout(30)
class OverlappedConnectionTest {
    /** Each read returns the next queued chunk (empty: a zero-length completion; null: the end). */
    private static final class Scripted extends OverlappedConnection {
        final Deque<Object> reads = new ArrayDeque<>();
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        int readsIssued;
        volatile boolean closed;
        volatile CountDownLatch readGate; // when set, a read waits for it (a read pending)

        @Override
        protected int readOnce(byte[] b, int off, int len) throws IOException {
            readsIssued++;
            CountDownLatch gate = readGate;
            if (gate != null) {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
            Object next = reads.poll();
            if (next instanceof IOException e) {
                throw e;
            }
            if (next == null) {
                return -1;
            }
            byte[] chunk = (byte[]) next;
            System.arraycopy(chunk, 0, b, off, chunk.length);
            return chunk.length;
        }

        @Override
        protected void writeFully(byte[] b, int off, int len) {
            written.write(b, off, len);
        }

        @Override
        protected boolean isClosed() {
            return closed;
        }

        @Override
        public ClientIdentity client() throws IOException {
            throw new IOException("not here");
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void aReadThatCompletesEmptyIsIssuedAgain() throws IOException {
        Scripted c = new Scripted();
        c.reads.add(new byte[0]);
        c.reads.add(new byte[0]);
        c.reads.add(new byte[] {1, 2, 3});
        byte[] buf = new byte[8];

        assertEquals(3, c.input().read(buf, 0, buf.length));

        assertArrayEquals(new byte[] {1, 2, 3}, Arrays.copyOf(buf, 3));
        assertEquals(3, c.readsIssued);
        assertEquals(-1, c.input().read(), "the other end closed");
    }

    @Test
    void aReadCancelledByCloseIsAClosedChannel() {
        Scripted c = new Scripted();
        c.reads.add(new AsynchronousCloseException());

        IOException e = assertThrows(IOException.class, () -> c.input().read(new byte[4]));

        assertEquals(ClosedChannelException.class, e.getClass());
    }

    @Test
    void afterCloseNothingIsIssued() throws IOException {
        Scripted c = new Scripted();
        c.input().close();

        assertThrows(ClosedChannelException.class, () -> c.input().read(new byte[4]));
        assertThrows(ClosedChannelException.class, () -> c.output().write(7));
        assertEquals(0, c.readsIssued);
        assertEquals(0, c.written.size());
    }

    @Test
    void shutdownOutputRefusesWritesButNotReads() throws IOException {
        Scripted c = new Scripted();
        c.output().write(new byte[] {9, 8});
        c.reads.add(new byte[] {5});

        c.shutdownOutput();

        assertThrows(ClosedChannelException.class, () -> c.output().write(1));
        assertArrayEquals(new byte[] {9, 8}, c.written.toByteArray());
        assertEquals(5, c.input().read());
    }

    @Test
    void aPendingReadDoesNotHoldUpAWrite() throws Exception {
        Scripted c = new Scripted();
        c.readGate = new CountDownLatch(1);
        c.reads.add(new byte[] {4});
        CompletableFuture<Integer> reader = CompletableFuture.supplyAsync(() -> {
            try {
                return c.input().read();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        while (!c.readLock.isLocked()) {
            Thread.onSpinWait();
        }

        c.output().write(new byte[] {1, 2});

        assertArrayEquals(new byte[] {1, 2}, c.written.toByteArray());
        assertTrue(!reader.isDone(), "the read is still pending");
        c.readGate.countDown();
        assertEquals(4, reader.get(10, TimeUnit.SECONDS));
    }
}
