package dev.wgdesk.platform.windows.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.platform.ClientIdentity;
import dev.wgdesk.engine.platform.IpcTransport;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link NamedPipeTransport}'s real server loop on {@link FakePipeNative}. */
@Timeout(20)
class NamedPipeTransportTest {
    static final String PIPE = PipeSecurity.PIPE_NAME;
    static final String USERS_SID = "S-1-5-21-100-200-300-1010";
    static final String ALICE = "S-1-5-21-100-200-300-1001";
    static final String DOMAIN_USERS = "S-1-5-21-100-200-300-513";

    final FakePipeNative fake = new FakePipeNative();
    final ClientTokens tokens = new ClientTokens();
    final NamedPipeTransport transport = new NamedPipeTransport(() -> fake, tokens);

    static PipeNative.ClientToken token(String user, boolean elevated, TokenAuthorizer.Group... groups) {
        return new PipeNative.ClientToken(new TokenAuthorizer.Token(user, "PC\\alice", List.of(groups), elevated),
                DOMAIN_USERS);
    }

    static TokenAuthorizer.Group enabled(String sid) {
        return new TokenAuthorizer.Group(sid, TokenAuthorizer.SE_GROUP_ENABLED | 0x3);
    }

    static TokenAuthorizer.Group denyOnly(String sid) {
        return new TokenAuthorizer.Group(sid, TokenAuthorizer.SE_GROUP_USE_FOR_DENY_ONLY);
    }

    static String readLine(IpcTransport.Connection c) throws IOException {
        StringBuilder sb = new StringBuilder();
        int b;
        while ((b = c.input().read()) >= 0 && b != '\n') {
            sb.append((char) b);
        }
        return sb.toString();
    }

    /** Accepts on another thread while {@code client} connects. */
    static IpcTransport.Connection acceptWhile(IpcTransport.Listener l, ThrowingRunnable client) throws Exception {
        CompletableFuture<IpcTransport.Connection> f = CompletableFuture.supplyAsync(() -> {
            try {
                return l.accept();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        client.run();
        return f.get(10, TimeUnit.SECONDS);
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void acceptsIdentifiesAndTalksBothWays() throws Exception {
        fake.accounts.put("wgdesk-users", USERS_SID);
        IpcTransport.Listener l = transport.listen(PIPE, new IpcTransport.Access("wgdesk-users"));
        // the DACL: SYSTEM, Administrators, the group looked up by name, Network Configuration Operators
        assertEquals(PipeSecurity.sddl(List.of(USERS_SID, PipeSecurity.NETWORK_CONFIGURATION_OPERATORS)), fake.sddls.get(0));
        assertTrue(l.describeAccess().contains(USERS_SID), l.describeAccess());

        FakePipeNative.Client[] client = new FakePipeNative.Client[1];
        IpcTransport.Connection c = acceptWhile(l, () -> client[0] = fake.open(PIPE,
                token(ALICE, false, enabled(DOMAIN_USERS), enabled(USERS_SID), enabled("S-1-5-4"))));
        // identified before the server read anything: client() reads ahead (impersonation needs a read)
        client[0].write("{\"op\":\"list\"}\n");
        ClientIdentity who = c.client();
        assertEquals("{\"op\":\"list\"}", readLine(c), "what client() read ahead is not lost");
        assertEquals(new ClientIdentity(ALICE, DOMAIN_USERS, "PC\\alice", false), who);
        assertEquals(Set.of(DOMAIN_USERS, USERS_SID, "S-1-5-4"), tokens.enabledGroups(who).orElseThrow());
        // the next instance already listens while the first client is connected
        assertEquals(1, fake.listening(PIPE));

        client[0].write("{\"op\":\"show\"}\n");
        assertEquals("{\"op\":\"show\"}", readLine(c));
        c.output().write("{\"ok\":true}\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("{\"ok\":true}\n", client[0].read(12));

        // the client closes: end of stream on the server
        client[0].close();
        assertEquals(-1, c.input().read());
        c.close();
        l.close();
        assertEquals(0, fake.openHandles(), "every instance and event closed");
    }

    @Test
    void administratorOnlyWithAnElevatedTokenOrAsSystem() throws Exception {
        IpcTransport.Listener l = transport.listen(PIPE, new IpcTransport.Access("wgdesk-users"));
        try {
            record Case(PipeNative.ClientToken token, boolean admin) {}
            List<Case> cases = List.of(
                    new Case(token(ALICE, true, enabled(TokenAuthorizer.ADMINISTRATORS)), true),
                    new Case(token(ALICE, false, denyOnly(TokenAuthorizer.ADMINISTRATORS)), false), // filtered token
                    new Case(token(ALICE, true, denyOnly(TokenAuthorizer.ADMINISTRATORS)), false),
                    new Case(token(TokenAuthorizer.SYSTEM, false), true),
                    new Case(token(ALICE, true), false)); // elevated, not an administrator
            for (Case k : cases) {
                IpcTransport.Connection c = acceptWhile(l, () -> fake.open(PIPE, k.token()).write("{}\n"));
                assertEquals(k.admin(), c.client().administrator(), k.toString());
                c.close();
            }
            // a network logon is refused even if it got through
            IpcTransport.Connection c = acceptWhile(l, () -> fake.open(PIPE,
                    token(ALICE, true, enabled(TokenAuthorizer.ADMINISTRATORS), enabled(TokenAuthorizer.NETWORK))).write("{}\n"));
            IOException e = assertThrows(IOException.class, c::client);
            assertTrue(e.getMessage().contains("network logon"), e.getMessage());
            c.close();
        } finally {
            l.close();
        }
        assertEquals(0, fake.openHandles());
    }

    @Test
    void aReadPendingDoesNotBlockAWriteAndCloseUnblocksIt() throws Exception {
        IpcTransport.Listener l = transport.listen(PIPE, new IpcTransport.Access("wgdesk-users"));
        FakePipeNative.Client[] client = new FakePipeNative.Client[1];
        IpcTransport.Connection c = acceptWhile(l, () -> client[0] = fake.open(PIPE, token(ALICE, false)));
        CompletableFuture<String> reader = CompletableFuture.supplyAsync(() -> {
            try {
                return readLine(c);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(100); // let the reader block
        assertFalse(reader.isDone());
        c.output().write("event\n".getBytes(StandardCharsets.UTF_8)); // while the read waits
        assertEquals("event\n", client[0].read(6));
        client[0].write("request\n");
        assertEquals("request", reader.get(5, TimeUnit.SECONDS));

        // close while a read waits: the read ends with ClosedChannelException
        CompletableFuture<Integer> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return c.input().read();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(100);
        assertFalse(blocked.isDone());
        c.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> blocked.get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause().getCause() instanceof ClosedChannelException, e.toString());
        assertThrows(ClosedChannelException.class, () -> c.output().write(1));
        l.close();
        assertEquals(0, fake.openHandles());
    }

    @Test
    void aClientThatSendsNothingCannotBeIdentified() throws Exception {
        IpcTransport.Listener l = transport.listen(PIPE, new IpcTransport.Access("wgdesk-users"));
        FakePipeNative.Client[] client = new FakePipeNative.Client[1];
        IpcTransport.Connection c = acceptWhile(l, () -> client[0] = fake.open(PIPE, token(ALICE, false)));
        client[0].close();
        IOException e = assertThrows(IOException.class, c::client);
        assertTrue(e.getMessage().contains("without sending anything"), e.getMessage());
        c.close();
        l.close();
        assertEquals(0, fake.openHandles());
    }

    @Test
    void closeUnblocksAccept() throws Exception {
        IpcTransport.Listener l = transport.listen(PIPE, new IpcTransport.Access("wgdesk-users"));
        CompletableFuture<IpcTransport.Connection> f = CompletableFuture.supplyAsync(() -> {
            try {
                return l.accept();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(100);
        assertFalse(f.isDone());
        l.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause().getCause() instanceof ClosedChannelException, e.toString());
        assertThrows(ClosedChannelException.class, l::accept);
        assertEquals(0, fake.openHandles());
        // the name is free again: a new helper can listen
        transport.listen(PIPE, new IpcTransport.Access("wgdesk-users")).close();
    }

    @Test
    void aSecondHelperOrASquatterIsRefused() throws Exception {
        IpcTransport.Listener l = transport.listen(PIPE, new IpcTransport.Access("wgdesk-users"));
        IOException e = assertThrows(IOException.class,
                () -> transport.listen(PIPE, new IpcTransport.Access("wgdesk-users")));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        l.close();
        assertEquals(0, fake.openHandles());
        assertThrows(IOException.class, () -> transport.listen("/run/wgdesk/helper.sock", new IpcTransport.Access("x")));
    }

    @Test
    void withoutTheGroupOnlyNetworkConfigurationOperatorsAreAdded() throws Exception {
        IpcTransport.Listener l = transport.listen(PIPE, new IpcTransport.Access("wgdesk-users"));
        assertEquals("O:SYD:P(D;;GA;;;NU)(A;;GA;;;SY)(A;;GA;;;BA)(A;;0x12019b;;;S-1-5-32-556)", fake.sddls.get(0));
        l.close();
    }

    @Test
    void whatTheServerWroteBeforeClosingStaysReadable() throws Exception {
        IpcTransport.Listener l = transport.listen(PIPE, new IpcTransport.Access("wgdesk-users"));
        FakePipeNative.Client[] client = new FakePipeNative.Client[1];
        IpcTransport.Connection c = acceptWhile(l, () -> client[0] = fake.open(PIPE, token(ALICE, false)));
        c.output().write("{\"error\":\"not authorised\"}\n".getBytes(StandardCharsets.UTF_8));
        c.shutdownOutput();
        assertThrows(ClosedChannelException.class, () -> c.output().write('x'));
        c.close();
        assertEquals("{\"error\":\"not authorised\"}\n", client[0].read(1000)); // then end of stream
        l.close();
    }
}
