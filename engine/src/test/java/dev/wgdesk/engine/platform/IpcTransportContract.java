package dev.wgdesk.engine.platform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the helper's IPC ({@code app/ipc}) relies on from an {@link IpcTransport}, as one contract
 * every platform's transport runs: the OS's identity of the client, bytes both ways, a half-close
 * ({@link IpcTransport.Connection#shutdownOutput()}) that keeps the other direction open,
 * {@link IpcTransport.Listener#close()} waking a blocked {@code accept} and freeing the address,
 * a live endpoint that cannot be taken over, and one reader and one writer at once on a
 * connection with more data in flight than any OS buffers (which deadlocks a transport that
 * serialises them). Subclass it in the platform's tests ({@code UnixSocketTransportContractTest};
 * the engine's test-jar carries it) and say who this process is.
 */
@Timeout(60)
public abstract class IpcTransportContract {
    /** More than the kernel buffers of a UNIX socket or a pipe, in each direction. */
    private static final int BULK_BYTES = 8 << 20;

    @TempDir
    protected Path dir;

    private final List<AutoCloseable> opened = new ArrayList<>();

    /** The transport under test. */
    protected abstract IpcTransport transport();

    /** A fresh address no one uses, e.g. a socket file in {@code dir} or a unique pipe name. */
    protected abstract String newAddress(Path dir);

    /** The access the listeners in these tests get (a group this process's user belongs to, or none). */
    protected abstract IpcTransport.Access access();

    /** This process's identity, as {@link IpcTransport.Connection#client()} must report it. */
    protected abstract ClientIdentity self();

    @AfterEach
    void closeEverything() {
        for (AutoCloseable c : opened.reversed()) {
            try {
                c.close();
            } catch (Exception ignored) {
                // cleaning up
            }
        }
    }

    private <T extends AutoCloseable> T open(T c) {
        opened.add(c);
        return c;
    }

    private IpcTransport.Listener listen(String address) throws IOException {
        return open(transport().listen(address, access()));
    }

    private IpcTransport.Connection connect(String address) throws IOException {
        return open(transport().connect(address));
    }

    private IpcTransport.Connection accept(IpcTransport.Listener l) throws IOException {
        return open(l.accept());
    }

    private static byte[] readFully(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        assertEquals(n, b.length, "end of stream after " + b.length + " of " + n + " bytes");
        return b;
    }

    @Test
    void theServerSeesTheClientAsTheOsIdentifiesIt() throws IOException {
        String a = newAddress(dir);
        IpcTransport.Listener l = listen(a);
        connect(a);
        ClientIdentity who = accept(l).client();
        ClientIdentity me = self();
        assertEquals(me.id(), who.id());
        assertEquals(me.primaryGroup(), who.primaryGroup());
        assertEquals(me.administrator(), who.administrator());
        assertEquals(me.name(), who.name());
        assertTrue(!l.describeAccess().isBlank(), "the listener says how it is protected");
    }

    @Test
    void bytesGoBothWaysInOrder() throws IOException {
        String a = newAddress(dir);
        IpcTransport.Listener l = listen(a);
        IpcTransport.Connection c = connect(a);
        IpcTransport.Connection s = accept(l);
        byte[] hello = "{\"type\":\"hello\"}\n".getBytes(StandardCharsets.UTF_8);
        s.output().write(hello);
        s.output().flush();
        assertArrayEquals(hello, readFully(c.input(), hello.length));
        byte[] request = "{\"id\":1,\"method\":\"list\"}\n".getBytes(StandardCharsets.UTF_8);
        c.output().write(request, 0, 5);
        c.output().write(request, 5, request.length - 5);
        c.output().flush();
        assertArrayEquals(request, readFully(s.input(), request.length));
    }

    @Test
    void shutdownOutputEndsOneDirectionOnly() throws IOException {
        String a = newAddress(dir);
        IpcTransport.Listener l = listen(a);
        IpcTransport.Connection c = connect(a);
        IpcTransport.Connection s = accept(l);
        // The server refuses a client this way: one error line, then end of its output.
        s.output().write("refused\n".getBytes(StandardCharsets.UTF_8));
        s.output().flush();
        s.shutdownOutput();
        assertEquals("refused\n", new String(c.input().readAllBytes(), StandardCharsets.UTF_8), "then end of stream");
        // The other direction is still open.
        c.output().write("still here\n".getBytes(StandardCharsets.UTF_8));
        c.output().flush();
        assertEquals("still here\n", new String(readFully(s.input(), 11), StandardCharsets.UTF_8));
        c.shutdownOutput();
        assertEquals(-1, s.input().read());
    }

    @Test
    void closingAConnectionEndsThePeersStream() throws IOException {
        String a = newAddress(dir);
        IpcTransport.Listener l = listen(a);
        IpcTransport.Connection c = connect(a);
        IpcTransport.Connection s = accept(l);
        c.close();
        assertEquals(-1, s.input().read());
    }

    @Test
    void closeUnblocksAcceptAndFreesTheAddress() throws Exception {
        String a = newAddress(dir);
        IpcTransport.Listener l = listen(a);
        CountDownLatch accepting = new CountDownLatch(1);
        CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
            accepting.countDown();
            try {
                l.accept().close();
                return null;
            } catch (Throwable t) {
                return t;
            }
        }, r -> Thread.ofPlatform().daemon().start(r));
        assertTrue(accepting.await(10, TimeUnit.SECONDS));
        // The accept may or may not be blocked yet: either way it must end with an IOException.
        Thread.sleep(50);
        l.close();
        Throwable t = outcome.get(10, TimeUnit.SECONDS);
        assertInstanceOf(IOException.class, t, "accept after close: " + t);
        assertThrows(IOException.class, l::accept, "closed for good");
        l.close(); // idempotent
        assertThrows(IOException.class, () -> transport().connect(a).close(), "nobody listens any more");
        IpcTransport.Listener again = listen(a);
        connect(a);
        assertEquals(self().id(), accept(again).client().id(), "the address can be listened on again");
    }

    @Test
    void aLiveEndpointCannotBeTakenOver() throws IOException {
        String a = newAddress(dir);
        IpcTransport.Listener l = listen(a);
        assertThrows(IOException.class, () -> transport().listen(a, access()).close());
        connect(a);
        assertEquals(self().id(), accept(l).client().id(), "the first listener still serves");
    }

    @Test
    void connectingWhereNobodyListensFails() {
        assertThrows(IOException.class, () -> transport().connect(newAddress(dir)).close());
    }

    @Test
    void clientsGetConnectionsOfTheirOwn() throws IOException {
        String a = newAddress(dir);
        IpcTransport.Listener l = listen(a);
        IpcTransport.Connection c1 = connect(a);
        IpcTransport.Connection s1 = accept(l);
        IpcTransport.Connection c2 = connect(a);
        IpcTransport.Connection s2 = accept(l);
        c1.output().write('1');
        c1.output().flush();
        c2.output().write('2');
        c2.output().flush();
        assertEquals('1', s1.input().read());
        assertEquals('2', s2.input().read());
        assertNotEquals(s1, s2);
    }

    @Test
    void oneReaderAndOneWriterRunAtOnceOnEachEnd() throws Exception {
        String a = newAddress(dir);
        IpcTransport.Listener l = listen(a);
        IpcTransport.Connection c = connect(a);
        IpcTransport.Connection s = accept(l);
        byte[] up = random(1, BULK_BYTES);
        byte[] down = random(2, BULK_BYTES);
        // Both ends write everything before reading anything back on that thread: this completes
        // only if each end's reader runs while its writer is blocked on a full buffer.
        List<CompletableFuture<byte[]>> work = List.of(
                write(c.output(), up), write(s.output(), down),
                read(s.input(), up.length), read(c.input(), down.length));
        try {
            CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).get(50, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("8 MiB each way did not get through in 50 s: does the transport let a connection's"
                    + " reader and writer run at once?", e);
        }
        assertArrayEquals(digest(up), digest(work.get(2).get()), "client to server intact");
        assertArrayEquals(digest(down), digest(work.get(3).get()), "server to client intact");
    }

    private static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i += 8) {
            long v = r.nextLong();
            for (int j = 0; j < 8 && i + j < n; j++) {
                b[i + j] = (byte) (v >>> (8 * j));
            }
        }
        return b;
    }

    private static byte[] digest(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    private static CompletableFuture<byte[]> write(OutputStream out, byte[] data) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                for (int off = 0; off < data.length; off += 64 * 1024) {
                    out.write(data, off, Math.min(64 * 1024, data.length - off));
                }
                out.flush();
                return data;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, r -> Thread.ofPlatform().daemon().start(r));
    }

    private static CompletableFuture<byte[]> read(InputStream in, int n) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return readFully(in, n);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, r -> Thread.ofPlatform().daemon().start(r));
    }

}
