package dev.wgdesk.app.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wgdesk.engine.platform.IpcTransport;
import dev.wgdesk.engine.platform.UnixSocketTransport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class IpcServerTest {
    /** One permit per "slow" request that has reached its handler. */
    private static final Semaphore SLOW_STARTED = new Semaphore(0);
    /** "slow" requests answer once this opens (each test gets a closed one). */
    private static volatile CountDownLatch slowRelease = new CountDownLatch(1);

    @TempDir
    Path dir;
    Path socket;
    IpcServer server;
    final AtomicBoolean refuseEveryone = new AtomicBoolean();

    /** The server of the running test, for handlers that publish ("announce"). */
    private static volatile IpcServer current;

    /** A handler serving list/status/get from fixed data, failing on demand. */
    static JsonNode handle(String method, JsonNode params, IpcServer.Client client) throws IpcException {
        return switch (method) {
            case "list" -> {
                ObjectNode r = IpcJson.object();
                r.putArray("tunnels").add(IpcJson.toTree(new TunnelInfo("home", TunnelState.ACTIVE, true)))
                        .add(IpcJson.toTree(new TunnelInfo("work", TunnelState.INACTIVE, false)));
                yield r;
            }
            case "get" -> {
                String name = IpcJson.requireString(params, "name");
                if (!name.equals("home")) {
                    throw new IpcException(ErrorCode.NOT_FOUND, "no tunnel named " + name);
                }
                ObjectNode r = IpcJson.object();
                r.put("name", name);
                r.put("config", "[Interface]\n" + "x".repeat(params.path("pad").asInt(0)));
                yield r;
            }
            case "save" -> throw new IpcException(ErrorCode.INVALID_CONFIG, "2 problems",
                    List.of("a.conf:1:1: one", "a.conf:2:3: two"));
            case "boom" -> throw new IllegalStateException("handler bug");
            case "announce" -> { // like an activation: the state event goes out before the answer
                current.publish(new IpcEvent.StateChanged("home", TunnelState.ACTIVE, TunnelState.ACTIVATING, null));
                yield IpcJson.object();
            }
            case "whoami" -> {
                ObjectNode r = IpcJson.object();
                r.put("uid", client.peer().id());
                r.put("gid", client.peer().primaryGroup());
                r.put("user", client.user());
                yield r;
            }
            case "slow" -> { // answers only when the test releases it: no check depends on a duration
                SLOW_STARTED.release();
                boolean released;
                try {
                    released = slowRelease.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    released = false;
                }
                ObjectNode r = IpcJson.object();
                r.put("released", released);
                yield r;
            }
            default -> throw new IpcException(ErrorCode.UNKNOWN_METHOD, "unknown method " + method);
        };
    }

    /** A server on {@code path} whose socket is 0660 root:root. */
    static IpcServer server(Path path, IpcServer.Authorizer authorizer, String name) {
        return new IpcServer(new UnixSocketTransport(path), path.toString(), new IpcTransport.Access("root"), authorizer,
                IpcServerTest::handle, name, 4);
    }

    @BeforeEach
    void start() throws IOException {
        SLOW_STARTED.drainPermits();
        slowRelease = new CountDownLatch(1);
        socket = dir.resolve("h.sock");
        server = server(socket,
                peer -> refuseEveryone.get() ? Optional.of("not authorised: test refuses " + peer.name())
                        : Optional.empty(), "test-helper/1");
        server.start();
        current = server;
    }

    @AfterEach
    void stop() {
        slowRelease.countDown();
        server.close();
    }

    @Test
    void typedRequestsRoundTrip() throws IpcException {
        try (IpcClient c = IpcClient.connect(socket)) {
            assertEquals("test-helper/1", c.serverName());
            assertEquals(List.of(new TunnelInfo("home", TunnelState.ACTIVE, true),
                    new TunnelInfo("work", TunnelState.INACTIVE, false)), c.list());
            assertEquals("[Interface]\n", c.getConfig("home"));
            IpcException e = assertThrows(IpcException.class, () -> c.getConfig("nope"));
            assertEquals(ErrorCode.NOT_FOUND, e.code());
            assertEquals("no tunnel named nope", e.getMessage());
        }
    }

    @Test
    void errorDetailsReachTheClient() throws IpcException {
        try (IpcClient c = IpcClient.connect(socket)) {
            IpcException e = assertThrows(IpcException.class, () -> c.save("a", "junk"));
            assertEquals(ErrorCode.INVALID_CONFIG, e.code());
            assertEquals(List.of("a.conf:1:1: one", "a.conf:2:3: two"), e.details());
        }
    }

    @Test
    void socketSetupRanBeforeClientsCame() throws IOException {
        assertEquals("rw-rw----", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
    }

    @Test
    void garbageTruncatedAndNonObjectLinesGetErrorsAndTheConnectionStaysUsable() throws IOException {
        try (RawConnection raw = new RawConnection(socket)) {
            assertEquals("hello", raw.read().path("type").asText());
            for (String bad : List.of("garbage\n", "{\"id\":1,\"meth\n", "[1,2]\n", "42\n", "{\"id\":1}{\"id\":2}\n",
                    "\u0000\u0001\u00ff\n")) {
                raw.send(bad);
                JsonNode r = raw.read();
                assertEquals("response", r.path("type").asText(), bad);
                assertTrue(r.get("id").isNull(), bad);
                assertEquals("BAD_REQUEST", r.path("error").path("code").asText(), bad);
            }
            raw.send("{\"id\":7,\"method\":\"list\"}\n");
            JsonNode ok = raw.read();
            assertEquals(7, ok.path("id").asInt());
            assertEquals(2, ok.path("result").path("tunnels").size());
        }
    }

    @Test
    void structurallyWrongRequestsAreAnsweredWithTheirId() throws IOException {
        try (RawConnection raw = new RawConnection(socket)) {
            raw.read();
            raw.send("{\"method\":\"list\"}\n");
            assertEquals("BAD_REQUEST", raw.read().path("error").path("code").asText());
            raw.send("{\"id\":3}\n");
            JsonNode r = raw.read();
            assertEquals(3, r.path("id").asInt());
            assertEquals("BAD_REQUEST", r.path("error").path("code").asText());
            raw.send("{\"id\":4,\"method\":\"list\",\"params\":[1]}\n");
            assertEquals("BAD_REQUEST", raw.read().path("error").path("code").asText());
            raw.send("{\"id\":5,\"method\":\"frobnicate\"}\n");
            r = raw.read();
            assertEquals(5, r.path("id").asInt());
            assertEquals("UNKNOWN_METHOD", r.path("error").path("code").asText());
            raw.send("{\"id\":6,\"protocol\":2,\"method\":\"list\"}\n");
            assertEquals("UNSUPPORTED_VERSION", raw.read().path("error").path("code").asText());
            raw.send("{\"id\":8,\"protocol\":1,\"method\":\"list\"}\n");
            assertTrue(raw.read().has("result"));
        }
    }

    @Test
    void deeplyNestedJsonIsRefused() throws IOException {
        try (RawConnection raw = new RawConnection(socket)) {
            raw.read();
            String deep = "{\"id\":1,\"method\":\"list\",\"params\":{\"a\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}}\n";
            raw.send(deep);
            assertEquals("BAD_REQUEST", raw.read().path("error").path("code").asText());
            raw.send("{\"id\":2,\"method\":\"list\"}\n");
            assertTrue(raw.read().has("result"));
        }
    }

    @Test
    void aTenMegabyteRequestIsAnsweredTooLargeAndTheConnectionStaysUsable() throws IOException {
        try (RawConnection raw = new RawConnection(socket)) {
            raw.read();
            byte[] big = new byte[10 << 20];
            Arrays.fill(big, (byte) 'a');
            big[0] = '{';
            big[big.length - 1] = '\n';
            raw.send(big);
            JsonNode r = raw.read();
            assertEquals("TOO_LARGE", r.path("error").path("code").asText());
            raw.send("{\"id\":2,\"method\":\"list\"}\n");
            assertTrue(raw.read().has("result"));
        }
    }

    @Test
    void aRequestJustUnderTheLimitIsServed() throws IOException {
        try (RawConnection raw = new RawConnection(socket)) {
            raw.read();
            String prefix = "{\"id\":1,\"method\":\"get\",\"params\":{\"name\":\"home\",\"junk\":\"";
            String suffix = "\"}}\n";
            int fill = IpcProtocol.MAX_REQUEST_BYTES - prefix.length() - suffix.length();
            raw.send(prefix + "j".repeat(fill) + suffix);
            assertTrue(raw.read().has("result"));
            raw.send(prefix + "j".repeat(fill + 1) + suffix);
            assertEquals("TOO_LARGE", raw.read().path("error").path("code").asText());
        }
    }

    @Test
    void aTruncatedRequestAtEndOfStreamIsAnswered() throws IOException {
        try (RawConnection raw = new RawConnection(socket)) {
            raw.read();
            raw.send("{\"id\":1,\"method\":\"li");
            raw.shutdownOutput();
            assertEquals("BAD_REQUEST", raw.read().path("error").path("code").asText());
        }
    }

    @Test
    void clientRefusesToSendAnOversizedRequest() throws IpcException {
        try (IpcClient c = IpcClient.connect(socket)) {
            IpcException e = assertThrows(IpcException.class, () -> c.save("a", "x".repeat(IpcProtocol.MAX_REQUEST_BYTES)));
            assertEquals(ErrorCode.TOO_LARGE, e.code());
            assertEquals(2, c.list().size());
        }
    }

    @Test
    void aHandlerBugBecomesAnInternalErrorAndTheServerGoesOn() throws IpcException {
        try (IpcClient c = IpcClient.connect(socket)) {
            IpcException e = assertThrows(IpcException.class, () -> c.await(c.call("boom", IpcJson.object())));
            assertEquals(ErrorCode.INTERNAL, e.code());
            assertEquals(2, c.list().size());
        }
    }

    @Test
    void refusedUsersGetTheReasonAndOthersAreStillServed() throws IpcException {
        refuseEveryone.set(true);
        IpcException e = assertThrows(IpcException.class, () -> IpcClient.connect(socket));
        assertEquals(ErrorCode.NOT_AUTHORISED, e.code());
        assertTrue(e.getMessage().startsWith("not authorised"), e.getMessage());
        refuseEveryone.set(false);
        try (IpcClient c = IpcClient.connect(socket)) {
            assertEquals(2, c.list().size());
        }
    }

    @Test
    void clientsBeyondTheLimitAreRefusedAndASlotFreesWhenOneLeaves() throws IpcException {
        List<IpcClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                clients.add(IpcClient.connect(socket));
            }
            IpcException e = assertThrows(IpcException.class, () -> IpcClient.connect(socket));
            assertEquals(ErrorCode.TOO_MANY_CLIENTS, e.code());
            clients.removeFirst().close();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (server.clientCount() > 3 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            clients.add(IpcClient.connect(socket));
            assertEquals(2, clients.getLast().list().size());
        } finally {
            clients.forEach(IpcClient::close);
        }
    }

    @Test
    void aBlockingCallReturnsOnlyAfterTheListenersTookTheEventsSentBeforeItsAnswer() throws Exception {
        try (IpcClient c = IpcClient.connect(socket)) {
            List<IpcEvent> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            c.subscribe(e -> {
                try {
                    Thread.sleep(300); // a slow listener: without the barrier the answer wins every time
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
                seen.add(e);
            });
            c.await(c.call("announce", IpcJson.object()));
            assertEquals(List.of(new IpcEvent.StateChanged("home", TunnelState.ACTIVE, TunnelState.ACTIVATING, null)),
                    seen);
            // A listener may itself make a blocking call without waiting on itself.
            CompletableFuture<Throwable> inListener = new CompletableFuture<>();
            c.subscribe(e -> {
                try {
                    c.list();
                    inListener.complete(null);
                } catch (IpcException ex) {
                    inListener.complete(ex);
                }
            });
            c.await(c.call("announce", IpcJson.object()));
            assertEquals(null, inListener.get(10, TimeUnit.SECONDS), "the listener's own call returned");
        }
    }

    @Test
    void eventsReachSubscribersOnlyInOrder() throws Exception {
        try (IpcClient sub = IpcClient.connect(socket); IpcClient other = IpcClient.connect(socket)) {
            BlockingQueue<IpcEvent> got = new LinkedBlockingQueue<>();
            BlockingQueue<IpcEvent> otherGot = new LinkedBlockingQueue<>();
            IpcClient.Subscription s = sub.subscribe(got::add);
            other.list(); // connected, not subscribed
            server.publish(new IpcEvent.StateChanged("home", TunnelState.ACTIVE, TunnelState.ACTIVATING, null));
            server.publish(new IpcEvent.HandshakeCompleted("home", "AAAA", 1234));
            server.publish(new IpcEvent.ErrorOccurred(null, "oops"));
            server.publish(new IpcEvent.LogLine(new LogEntry(5, "INFO", "home", "hello")));
            assertEquals(new IpcEvent.StateChanged("home", TunnelState.ACTIVE, TunnelState.ACTIVATING, null),
                    got.poll(5, TimeUnit.SECONDS));
            assertEquals(new IpcEvent.HandshakeCompleted("home", "AAAA", 1234), got.poll(5, TimeUnit.SECONDS));
            assertEquals(new IpcEvent.ErrorOccurred(null, "oops"), got.poll(5, TimeUnit.SECONDS));
            assertEquals(new IpcEvent.LogLine(new LogEntry(5, "INFO", "home", "hello")), got.poll(5, TimeUnit.SECONDS));
            other.subscribe(otherGot::add);
            s.close();
            sub.list(); // the unsubscribe has been processed before this response
            server.publish(new IpcEvent.ErrorOccurred("x", "second"));
            assertEquals(new IpcEvent.ErrorOccurred("x", "second"), otherGot.poll(5, TimeUnit.SECONDS));
            // Not sent to sub, checked without waiting for nothing: events reach a connection in
            // order, so once sub subscribes again the first event it gets is the next one.
            BlockingQueue<IpcEvent> again = new LinkedBlockingQueue<>();
            sub.subscribe(again::add);
            server.publish(new IpcEvent.ErrorOccurred("x", "third"));
            assertEquals(new IpcEvent.ErrorOccurred("x", "third"), again.poll(5, TimeUnit.SECONDS));
            assertTrue(got.isEmpty(), "the closed subscription got " + got);
        }
    }

    @Test
    void slowRequestsDoNotHoldUpFastOnesOnTheSameConnection() throws Exception {
        try (IpcClient c = IpcClient.connect(socket)) {
            CompletableFuture<JsonNode> slow = c.call("slow", IpcJson.object());
            assertTrue(SLOW_STARTED.tryAcquire(30, TimeUnit.SECONDS), "the slow request never reached its handler");
            assertEquals(2, c.list().size()); // answered while "slow" is still held by the test
            assertFalse(slow.isDone(), "slow was answered before it was released");
            slowRelease.countDown();
            assertTrue(slow.get(30, TimeUnit.SECONDS).path("released").asBoolean());
        }
    }

    @Test
    void aClientThatNeverReadsIsDisconnectedAndOthersAreUnaffected() throws Exception {
        try (RawConnection raw = new RawConnection(socket); IpcClient c = IpcClient.connect(socket)) {
            raw.send("{\"id\":1,\"method\":\"subscribe\"}\n");
            String big = "x".repeat(2000);
            for (int i = 0; i < IpcProtocol.MAX_QUEUED_MESSAGES * 4; i++) {
                server.publish(new IpcEvent.ErrorOccurred(null, big));
                if (server.clientCount() < 2) {
                    break;
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (server.clientCount() > 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(1, server.clientCount());
            assertEquals(2, c.list().size());
        }
    }

    @Test
    void pendingRequestsFailWithDisconnectedWhenTheServerGoes() throws Exception {
        IpcClient c = IpcClient.connect(socket);
        BlockingQueue<IpcException> down = new LinkedBlockingQueue<>();
        c.onDisconnect(down::add);
        CompletableFuture<JsonNode> slow = c.call("slow", IpcJson.object());
        assertTrue(SLOW_STARTED.tryAcquire(30, TimeUnit.SECONDS), "the slow request never reached its handler");
        server.close(); // while the request is pending
        IpcException cause = down.poll(10, TimeUnit.SECONDS);
        assertNotNull(cause);
        assertEquals(ErrorCode.DISCONNECTED, cause.code());
        Exception e = assertThrows(Exception.class, () -> slow.get(10, TimeUnit.SECONDS));
        assertInstanceOf(IpcException.class, e.getCause());
        IpcException after = assertThrows(IpcException.class, c::list);
        assertEquals(ErrorCode.DISCONNECTED, after.code());
        c.close();
    }

    @Test
    void connectingToNothingSaysHowToStartTheHelper() {
        Path nowhere = dir.resolve("none.sock");
        IpcException e = assertThrows(IpcException.class, () -> IpcClient.connect(nowhere));
        assertEquals(ErrorCode.UNREACHABLE, e.code());
        assertEquals("cannot reach the helper at " + nowhere
                + ": is the wgdesk-helper service running? (systemctl start wgdesk-helper)", e.getMessage());
    }

    @Test
    void aSecondServerOnTheSameSocketRefusesToStartAndAStaleSocketIsReplaced() throws IOException, IpcException {
        IpcServer second = server(socket, p -> Optional.empty(), "second");
        IOException e = assertThrows(IOException.class, second::start);
        assertTrue(e.getMessage().contains("already listening"), e.getMessage());
        try (IpcClient c = IpcClient.connect(socket)) {
            assertEquals("test-helper/1", c.serverName());
        }
        // A socket file nobody listens on (a crashed helper's) is removed and replaced.
        Path stale = dir.resolve("stale.sock");
        try (var ch = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            ch.bind(java.net.UnixDomainSocketAddress.of(stale));
        }
        assertTrue(Files.exists(stale));
        IpcServer third = server(stale, p -> Optional.empty(), "third");
        try {
            third.start();
            try (IpcClient c = IpcClient.connect(stale)) {
                assertEquals("third", c.serverName());
            }
        } finally {
            third.close();
        }
    }

    @Test
    void manyConcurrentRequestsAllComplete() throws Exception {
        try (IpcClient c = IpcClient.connect(socket)) {
            List<CompletableFuture<List<TunnelInfo>>> fs = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                fs.add(c.listAsync());
            }
            for (CompletableFuture<List<TunnelInfo>> f : fs) {
                assertEquals(2, f.get(20, TimeUnit.SECONDS).size());
            }
        }
    }

    @Test
    void theHandlerSeesThePeersNumericIdsFromTheKernel() throws Exception {
        com.sun.security.auth.module.UnixSystem me = new com.sun.security.auth.module.UnixSystem();
        try (IpcClient c = IpcClient.connect(socket)) {
            JsonNode r = c.await(c.call("whoami", IpcJson.object()));
            assertEquals(me.getUid(), r.path("uid").asLong());
            assertEquals(me.getGid(), r.path("gid").asLong());
            assertEquals(System.getProperty("user.name"), r.path("user").asText());
        }
    }

    @Test
    void aClientNoLongerAuthorisedIsRefusedOnItsNextRequestAndDisconnected() throws Exception {
        try (RawConnection raw = new RawConnection(socket)) {
            assertEquals("hello", raw.read().path("type").asText());
            raw.send("{\"id\":1,\"method\":\"list\"}\n");
            assertEquals(2, raw.read().path("result").path("tunnels").size());
            refuseEveryone.set(true); // the user was removed from the group
            raw.send("{\"id\":2,\"method\":\"list\"}\n");
            JsonNode refused = raw.read();
            assertEquals(2, refused.path("id").asInt());
            assertEquals("NOT_AUTHORISED", refused.path("error").path("code").asText());
            assertEquals(null, raw.read(), "the connection is closed after the refusal");
        }
    }

    @Test
    void aSubscriberNoLongerAuthorisedGetsNoMoreEvents() throws Exception {
        try (RawConnection raw = new RawConnection(socket)) {
            raw.read();
            raw.send("{\"id\":1,\"method\":\"subscribe\"}\n");
            assertEquals(1, raw.read().path("id").asInt());
            server.publish(new IpcEvent.ErrorOccurred("home", "first"));
            assertEquals("first", raw.read().path("data").path("message").asText());
            refuseEveryone.set(true);
            server.publish(new IpcEvent.ErrorOccurred("home", "secret"));
            assertEquals(null, raw.read(), "disconnected instead of told");
        }
    }

    @Test
    void aClientThatDoesNotReadIsDisconnectedByBytesQueuedLongBeforeTheMessageLimit() throws Exception {
        int pad = 900_000;
        long needed = IpcProtocol.MAX_QUEUED_BYTES / pad + 64; // + what the socket buffers hold
        assertTrue(needed < IpcProtocol.MAX_QUEUED_MESSAGES / 10, "the byte bound is what is tested");
        try (RawConnection raw = new RawConnection(socket)) {
            raw.read();
            boolean cut = false;
            try {
                for (int i = 0; i < needed; i++) {
                    raw.send("{\"id\":" + i + ",\"method\":\"get\",\"params\":{\"name\":\"home\",\"pad\":" + pad + "}}\n");
                }
            } catch (IOException e) {
                cut = true; // the server closed the connection while we were still sending
            }
            // Reading now drains what the kernel buffered, then ends: the server gave up on us.
            int got = 0;
            try {
                while (raw.read() != null) {
                    got++;
                }
            } catch (IOException e) {
                cut = true;
            }
            assertTrue(got < needed, "the server disconnected before answering everything: got " + got + " of " + needed
                    + (cut ? " (cut while sending)" : ""));
        }
        try (IpcClient c = IpcClient.connect(socket)) {
            assertEquals(2, c.list().size(), "others are still served");
        }
    }
}
