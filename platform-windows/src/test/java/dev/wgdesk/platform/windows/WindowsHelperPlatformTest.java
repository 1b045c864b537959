package dev.wgdesk.platform.windows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.platform.ClientIdentity;
import dev.wgdesk.engine.platform.HelperPlatform;
import dev.wgdesk.platform.windows.ipc.AccountLookup;
import dev.wgdesk.platform.windows.ipc.ClientTokens;
import dev.wgdesk.platform.windows.ipc.PipeNative;
import dev.wgdesk.platform.windows.ipc.TokenAuthorizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The platform as ServiceLoader finds it, the user directory, DPAPI sealing and the state directory. */
class WindowsHelperPlatformTest {
    static final String USERS_SID = "S-1-5-21-9-8-7-1010";
    static final String BOB = "S-1-5-21-9-8-7-1002";

    @Test
    void foundByServiceLoaderAndInertOffWindows() {
        HelperPlatform p = HelperPlatform.all().stream().filter(x -> x.os().equals("windows")).findFirst().orElseThrow();
        assertTrue(p instanceof WindowsHelperPlatform);
        assertFalse(p.isCurrent(), "this test runs on Linux");
        assertTrue(HelperPlatform.current().map(x -> !x.os().equals("windows")).orElse(true));
        assertEquals("wgdesk-users", p.defaultGroup());
        assertEquals("\\\\.\\pipe\\wgdesk-helper", p.ipcTransport().defaultAddress());
        assertEquals("wgdesk-helper", p.serviceRegistration().serviceName()); // no native code loaded
        assertTrue(p.secretStore() instanceof DpapiSecretStore);
        IllegalStateException e = assertThrows(IllegalStateException.class, p::tunnelBackend);
        assertTrue(e.getMessage().contains("only on Windows"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> p.ipcTransport().listen("\\\\.\\pipe\\x",
                new dev.wgdesk.engine.platform.IpcTransport.Access("wgdesk-users")));
    }

    @Test
    void stateDirectoryAndItsAcl() throws IOException {
        assertEquals(Path.of("D:\\Data", "wgdesk"), WindowsStateDirectory.location(Map.of("ProgramData", "D:\\Data")));
        assertEquals(Path.of("C:\\ProgramData", "wgdesk"), WindowsStateDirectory.location(Map.of()));
        // owner SYSTEM; protected (nothing inherited from ProgramData); SYSTEM and Administrators only, inherited below
        assertEquals("O:SYD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)", WindowsStateDirectory.SDDL);
        assertEquals(0x80000004, WindowsStateDirectory.SECURITY_INFORMATION);
        Path dir = Path.of("C:\\ProgramData", "wgdesk");
        record FakeAcl(List<String> calls, boolean exists, String owner) implements WindowsStateDirectory.Acl {
            public boolean createDirectory(Path d, String sddl) {
                calls.add("create " + sddl);
                return !exists;
            }

            public String ownerSid(Path d) {
                calls.add("owner");
                return owner;
            }

            public void applyDacl(Path d, String sddl, int info) {
                calls.add("dacl " + sddl + " " + Integer.toHexString(info));
            }
        }
        FakeAcl fresh = new FakeAcl(new ArrayList<>(), false, null);
        WindowsStateDirectory.ensure(dir, fresh);
        assertEquals(List.of("create " + WindowsStateDirectory.SDDL), fresh.calls(), "created with its descriptor at once");
        FakeAcl ours = new FakeAcl(new ArrayList<>(), true, "S-1-5-18");
        WindowsStateDirectory.ensure(dir, ours);
        assertEquals(List.of("create " + WindowsStateDirectory.SDDL, "owner", "dacl " + WindowsStateDirectory.SDDL + " 80000004"),
                ours.calls());
        WindowsStateDirectory.ensure(dir, new FakeAcl(new ArrayList<>(), true, "S-1-5-32-544"));
        FakeAcl squatted = new FakeAcl(new ArrayList<>(), true, "S-1-5-21-1-2-3-1001");
        IOException e = assertThrows(IOException.class, () -> WindowsStateDirectory.ensure(dir, squatted));
        assertTrue(e.getMessage().contains("owned by S-1-5-21-1-2-3-1001") && e.getMessage().contains("rd /s /q"),
                e.getMessage());
        assertEquals(List.of("create " + WindowsStateDirectory.SDDL, "owner"), squatted.calls(), "its ACL is left alone");
    }

    @Test
    void theServiceBodyPreparesTheStateDirectoryFirst() throws Exception {
        List<String> events = new ArrayList<>();
        dev.wgdesk.engine.platform.ServiceRegistration inner = new dev.wgdesk.engine.platform.ServiceRegistration() {
            public String serviceName() { return "wgdesk-helper"; }
            public void install(Path executable) { events.add("install"); }
            public void uninstall() { events.add("uninstall"); }
            public boolean isInstalled() { return true; }
            public void run(Body body) throws Exception {
                body.start();
                body.resumed();
                body.stop();
            }
        };
        dev.wgdesk.engine.platform.ServiceRegistration.Body body = new dev.wgdesk.engine.platform.ServiceRegistration.Body() {
            public void start() { events.add("start"); }
            public void stop() { events.add("stop"); }
            public void resumed() { events.add("resumed"); }
        };
        WindowsHelperPlatform.preparingFirst(inner, () -> events.add("state directory")).run(body);
        assertEquals(List.of("state directory", "start", "resumed", "stop"), events);
        events.clear();
        WindowsHelperPlatform.preparingFirst(inner, () -> events.add("state directory"), () -> events.add("backend resumed"))
                .run(body);
        assertEquals(List.of("state directory", "start", "backend resumed", "resumed", "stop"), events,
                "a resume reaches the tunnel backend as well as the body");
        events.clear();
        IOException e = assertThrows(IOException.class, () -> WindowsHelperPlatform.preparingFirst(inner, () -> {
            throw new IOException("owned by S-1-5-21-1");
        }).run(body));
        assertEquals(List.of(), events, "the body never starts");
    }

    @Test
    void dpapiMachineScopeAndRefusalOfForeignBytes() throws IOException {
        List<Integer> flags = new ArrayList<>();
        DpapiSecretStore.Dpapi fake = new DpapiSecretStore.Dpapi() {
            @Override
            public byte[] protect(byte[] plaintext, String description, int f) {
                flags.add(f);
                byte[] out = new byte[DpapiSecretStore.BLOB_HEADER.length + plaintext.length];
                System.arraycopy(DpapiSecretStore.BLOB_HEADER, 0, out, 0, DpapiSecretStore.BLOB_HEADER.length);
                for (int i = 0; i < plaintext.length; i++) {
                    out[DpapiSecretStore.BLOB_HEADER.length + i] = (byte) (plaintext[i] ^ 0x5a);
                }
                return out;
            }

            @Override
            public byte[] unprotect(byte[] blob, int f) {
                flags.add(f);
                byte[] out = new byte[blob.length - DpapiSecretStore.BLOB_HEADER.length];
                for (int i = 0; i < out.length; i++) {
                    out[i] = (byte) (blob[DpapiSecretStore.BLOB_HEADER.length + i] ^ 0x5a);
                }
                return out;
            }
        };
        DpapiSecretStore store = new DpapiSecretStore(fake);
        byte[] conf = "[Interface]\nPrivateKey = x\n".getBytes(StandardCharsets.UTF_8);
        byte[] sealed = store.seal(conf);
        assertArrayEquals(conf, store.open(sealed));
        assertEquals(List.of(0x1, 0x1), flags, "CRYPTPROTECT_UI_FORBIDDEN only: LocalSystem's own scope, never machine scope");
        IOException e = assertThrows(IOException.class, () -> store.open(conf));
        assertTrue(e.getMessage().contains("not a DPAPI blob"), e.getMessage());
        assertEquals(2, flags.size(), "foreign bytes never reach CryptUnprotectData");
    }

    @Test
    void membershipComesFromTheClientsToken() throws IOException {
        AccountLookup accounts = new AccountLookup() {
            @Override
            public Optional<String> lookupSid(String name) {
                return name.equals("wgdesk-users") ? Optional.of(USERS_SID) : Optional.empty();
            }

            @Override
            public Optional<String> lookupName(String sid) {
                return sid.equals(BOB) ? Optional.of("PC\\bob") : Optional.empty();
            }
        };
        ClientTokens tokens = new ClientTokens();
        WindowsUserDirectory dir = new WindowsUserDirectory(accounts, tokens);
        ClientIdentity member = tokens.identify(new PipeNative.ClientToken(new TokenAuthorizer.Token(BOB, "PC\\bob",
                List.of(new TokenAuthorizer.Group(USERS_SID, TokenAuthorizer.SE_GROUP_ENABLED),
                        new TokenAuthorizer.Group(TokenAuthorizer.ADMINISTRATORS, TokenAuthorizer.SE_GROUP_USE_FOR_DENY_ONLY)),
                false), "S-1-5-21-9-8-7-513"));
        assertTrue(dir.isMember(member, "wgdesk-users"));
        assertFalse(dir.isMember(member, "Administrators"), "deny-only in a filtered token");
        assertFalse(dir.isMember(member, "no-such-group"));
        ClientIdentity operator = tokens.identify(new PipeNative.ClientToken(new TokenAuthorizer.Token("S-1-5-21-9-8-7-1003",
                "PC\\carol", List.of(new TokenAuthorizer.Group("S-1-5-32-556", TokenAuthorizer.SE_GROUP_ENABLED)), false),
                "S-1-5-21-9-8-7-513"));
        assertTrue(dir.isMember(operator, "wgdesk-users"), "Network Configuration Operators use tunnels too");
        assertTrue(dir.isMember(operator, "Network Configuration Operators"));
        ClientIdentity stranger = new ClientIdentity("S-1-5-21-9-8-7-1004", "S-1-5-21-9-8-7-513", "dave", false);
        assertFalse(dir.isMember(stranger, "wgdesk-users"), "never seen on the pipe");
        assertTrue(dir.groupExists("wgdesk-users"));
        assertTrue(dir.groupExists("Administrators"));
        assertFalse(dir.groupExists("nobody"));
        assertEquals(Optional.of("PC\\bob"), dir.nameOf(BOB));
        assertEquals("net localgroup wgdesk-users \"PC\\bob\" /add", dir.howToAdd("PC\\bob", "wgdesk-users"));
        assertEquals("net localgroup wgdesk-users /add /comment:\"may use wgdesk tunnels\"", dir.howToCreate("wgdesk-users"));
    }
}
