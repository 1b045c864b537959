package dev.wgdesk.app.helper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wgdesk.app.ipc.ErrorCode;
import dev.wgdesk.app.ipc.IpcException;
import dev.wgdesk.app.ipc.IpcJson;
import dev.wgdesk.app.ipc.IpcProtocol.Method;
import dev.wgdesk.app.ipc.IpcServer;
import dev.wgdesk.app.ipc.TunnelState;
import dev.wgdesk.engine.crypto.PrivateKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tunnels already on the computer: wg-quick files and NetworkManager connections in temporary
 * directories standing for /etc/wireguard and /etc/NetworkManager/system-connections, "up" decided by a
 * set of interface names the test controls, served by the helper's real request handler and tunnel
 * manager (fake backend).
 */
@Timeout(60)
class SystemTunnelsTest {
    static final IpcServer.Client ROOT = new IpcServer.Client(1, dev.wgdesk.engine.platform.ClientIdentity.posix(0, 0, "root"));
    static final IpcServer.Client ALICE = new IpcServer.Client(2, dev.wgdesk.engine.platform.ClientIdentity.posix(61001, 61001, "alice"));

    @TempDir
    Path dir;
    Path wg;
    Path nm;
    final Set<String> up = new HashSet<>();
    Helper helper;
    HelperService service;
    String workKey;
    String nmKey;
    String psk;

    @BeforeEach
    void start() throws Exception {
        wg = Files.createDirectories(dir.resolve("etc/wireguard"));
        nm = Files.createDirectories(dir.resolve("etc/NetworkManager/system-connections"));
        PrivateKey k = PrivateKey.generate();
        workKey = k.toBase64();
        PrivateKey k2 = PrivateKey.generate();
        nmKey = k2.toBase64();
        psk = PrivateKey.generate().toBase64();
        Files.writeString(wg.resolve("work.conf"), "# the office\n[Interface]\nPrivateKey = " + workKey
                + "\nAddress = 10.7.0.2/32\nDNS = 10.7.0.1\n\n[Peer]\nPublicKey = " + PrivateKey.generate().publicKey().toBase64()
                + "\nPresharedKey = " + psk + "\nAllowedIPs = 10.7.0.0/24\nEndpoint = 198.51.100.7:51820\n");
        Files.writeString(wg.resolve("broken.conf"), "[Interface]\nPrivateKey = nope\n");
        Files.writeString(nm.resolve("Home VPN.nmconnection"), "[connection]\nid=Home VPN\nuuid=19aea8e4-7197-42cf-854b-47b99d33ee6d\n"
                + "type=wireguard\ninterface-name=wg-home\n\n[wireguard]\nprivate-key=" + nmKey + "\n\n[wireguard-peer."
                + PrivateKey.generate().publicKey().toBase64() + "]\nendpoint=203.0.113.9:51820\nallowed-ips=0.0.0.0/0;\n\n"
                + "[ipv4]\naddress1=10.9.0.2/24\nmethod=manual\n\n[ipv6]\nmethod=disabled\n");
        Files.writeString(nm.resolve("wifi.nmconnection"), "[connection]\nid=cafe\ntype=wifi\n\n[wifi]\nssid=cafe\n");
        // a link is not followed: the helper reads as root
        Files.createSymbolicLink(wg.resolve("link.conf"), wg.resolve("work.conf"));
        SystemTunnels system = new SystemTunnels(wg, nm, up::contains);
        helper = Helper.start(new Helper.Options(dir.resolve("run/h.sock"), dir.resolve("state"), dir.resolve("helper.conf"), 8),
                new FakeBackend(), p -> Optional.empty(), new HelperLog(null), system);
        service = new HelperService(ConfigStore.open(dir.resolve("state")), helper.tunnels(), new HelperLog(null), system);
    }

    @AfterEach
    void stop() {
        if (helper != null) {
            helper.close();
        }
    }

    private JsonNode call(String method, IpcServer.Client who, String... kv) throws IpcException {
        var p = IpcJson.object();
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        return service.handle(method, p, who);
    }

    @Test
    void listsWgQuickAndNetworkManagerWithoutKeys() throws Exception {
        up.add("wg-home");
        for (IpcServer.Client who : List.of(ROOT, ALICE)) {
            JsonNode r = call(Method.SYSTEM_TUNNELS, who);
            String json = r.toString();
            for (String secret : List.of(workKey, nmKey, psk)) {
                assertFalse(json.contains(secret), "a key in the answer to " + who.user());
            }
            JsonNode t = r.get("tunnels");
            assertEquals(3, t.size(), json); // broken.conf, work.conf, Home VPN; not wifi, not the link
            assertEquals(List.of("broken", "work", "Home-VPN"),
                    List.of(t.get(0).get("name").asText(), t.get(1).get("name").asText(), t.get(2).get("name").asText()));
            JsonNode work = t.get(1);
            assertEquals("wg-quick", work.get("source").asText());
            assertEquals(wg.resolve("work.conf").toString(), work.get("path").asText());
            assertFalse(work.get("up").asBoolean());
            assertTrue(work.get("preview").asText().contains("PrivateKey = (hidden)"), work.toString());
            assertTrue(work.get("preview").asText().contains("PresharedKey = (hidden)"), work.toString());
            assertTrue(work.get("preview").asText().contains("Endpoint = 198.51.100.7:51820"), work.toString());
            assertEquals(PrivateKey.fromBase64(workKey).publicKey().toBase64(), work.get("publicKey").asText());
            JsonNode home = t.get(2);
            assertEquals("networkmanager", home.get("source").asText());
            assertEquals("wg-home", home.get("interfaceName").asText());
            assertTrue(home.get("up").asBoolean());
            assertTrue(home.get("preview").asText().contains("Address = 10.9.0.2/24"), home.toString());
            JsonNode broken = t.get(0);
            assertTrue(broken.get("preview").isNull());
            assertFalse(broken.get("importable").asBoolean());
            assertTrue(broken.get("problems").get(0).asText().startsWith("broken.conf:2:"), broken.toString());
            // root may import, a member may not and is told why
            assertEquals(who == ROOT, work.get("importable").asBoolean(), work.toString());
            if (who == ALICE) {
                assertTrue(work.get("reason").asText().startsWith("only root can import"), work.toString());
            } else {
                assertTrue(work.get("reason").isNull());
            }
        }
    }

    @Test
    void importCopiesAndLeavesTheOriginal() throws Exception {
        Path original = wg.resolve("work.conf");
        byte[] before = Files.readAllBytes(original);
        IpcException refused = assertThrows(IpcException.class,
                () -> call(Method.IMPORT_SYSTEM, ALICE, "path", original.toString()));
        assertEquals(ErrorCode.NOT_PERMITTED, refused.code());
        assertEquals(List.of(), helper.tunnels().list(ROOT.peer()), "nothing imported for a member");

        JsonNode r = call(Method.IMPORT_SYSTEM, ROOT, "path", original.toString());
        assertEquals("work", r.get("tunnel").get("name").asText());
        assertEquals(0, r.get("tunnel").get("owner").asInt(), "root's copy");
        assertArrayEquals(before, Files.readAllBytes(original), "the original is unchanged");
        assertEquals(new String(before), helper.tunnels().export("work", ROOT.peer()), "the copy is the file, comments too");
        // the list now says it was imported as "work"
        JsonNode listed = call(Method.SYSTEM_TUNNELS, ROOT).get("tunnels").get(1);
        assertEquals("work", listed.get("importedAs").asText());

        // NetworkManager's connection, under another name, written as wg-quick text
        JsonNode h = call(Method.IMPORT_SYSTEM, ROOT, "path", nm.resolve("Home VPN.nmconnection").toString(), "name", "home");
        assertEquals("home", h.get("tunnel").get("name").asText());
        String copy = helper.tunnels().export("home", ROOT.peer());
        assertTrue(copy.contains("PrivateKey = " + nmKey) && copy.contains("Address = 10.9.0.2/24"), "the NM connection's values");
        assertTrue(Files.exists(nm.resolve("Home VPN.nmconnection")));

        // only files the scan lists: never any other file the helper could read as root
        assertEquals(ErrorCode.NOT_FOUND, assertThrows(IpcException.class,
                () -> call(Method.IMPORT_SYSTEM, ROOT, "path", "/etc/shadow")).code());
        assertEquals(ErrorCode.NOT_FOUND, assertThrows(IpcException.class,
                () -> call(Method.IMPORT_SYSTEM, ROOT, "path", wg.resolve("link.conf").toString())).code());
        assertEquals(ErrorCode.NOT_FOUND, assertThrows(IpcException.class,
                () -> call(Method.IMPORT_SYSTEM, ROOT, "path", nm.resolve("wifi.nmconnection").toString())).code());
        IpcException broken = assertThrows(IpcException.class,
                () -> call(Method.IMPORT_SYSTEM, ROOT, "path", wg.resolve("broken.conf").toString()));
        assertEquals(ErrorCode.INVALID_CONFIG, broken.code());
        assertFalse(broken.details().isEmpty());
    }

    @Test
    void aCopyIsNotActivatedWhileItsOriginalIsUp() throws Exception {
        call(Method.IMPORT_SYSTEM, ROOT, "path", wg.resolve("work.conf").toString(), "name", "office");
        up.add("work"); // wg-quick up work
        IpcException e = assertThrows(IpcException.class, () -> helper.tunnels().activate("office", ROOT.peer()));
        assertEquals(ErrorCode.INVALID_STATE, e.code());
        assertEquals("\"office\" is a copy of " + wg.resolve("work.conf") + ", which is up now (wg-quick, interface work):"
                + " both would use the same private key and take the peer's session from each other. Stop the original"
                + " first: sudo wg-quick down work", e.getMessage());
        assertEquals(TunnelState.INACTIVE, helper.tunnels().status("office").state());
        up.remove("work"); // wg-quick down work
        assertEquals(TunnelState.ACTIVE, helper.tunnels().activate("office", ROOT.peer()).state());

        // NetworkManager's original, up on its own interface name
        call(Method.IMPORT_SYSTEM, ROOT, "path", nm.resolve("Home VPN.nmconnection").toString(), "name", "home");
        up.add("wg-home");
        IpcException nmUp = assertThrows(IpcException.class, () -> helper.tunnels().activate("home", ROOT.peer()));
        assertTrue(nmUp.getMessage().endsWith("Stop the original first: nmcli connection down id \"Home VPN\""), nmUp.getMessage());
    }

    /**
     * A copy recorded as active (or autostart) when the helper starts while its original is up:
     * not restored, stays inactive with the refusal as its error, logged and pushed as an error
     * event naming the original; restored again once the original is down.
     */
    @Test
    void aCopyIsNotRestoredAtStartWhileItsOriginalIsUp() throws Exception {
        call(Method.IMPORT_SYSTEM, ROOT, "path", wg.resolve("work.conf").toString(), "name", "office");
        call(Method.IMPORT_SYSTEM, ROOT, "path", nm.resolve("Home VPN.nmconnection").toString(), "name", "home");
        assertEquals(TunnelState.ACTIVE, helper.tunnels().activate("office", ROOT.peer()).state());
        helper.tunnels().setAutostart("home", true, ROOT.peer());
        helper.close(); // keeps office recorded as active
        helper = null;
        up.add("work"); // wg-quick up work, meanwhile
        up.add("wg-home"); // and NetworkManager's original of home

        List<dev.wgdesk.app.ipc.IpcEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        HelperLog log = new HelperLog(null);
        Path stateDir = dir.resolve("state");
        StateStore state = StateStore.open(stateDir);
        TunnelManager restarted = new TunnelManager(ConfigStore.open(stateDir), state, RuntimeJournal.open(stateDir),
                new FakeBackend(), HelperPolicy.defaults(), log, events::add, OwnershipRulesTest.NAMES);
        restarted.setActivationGuard(new SystemTunnels(wg, nm, up::contains)::refuseActivation);
        try {
            restarted.startup();

            for (String[] t : List.of(new String[] {"office", wg.resolve("work.conf").toString()},
                    new String[] {"home", nm.resolve("Home VPN.nmconnection").toString()})) {
                var status = restarted.status(t[0]);
                assertEquals(TunnelState.INACTIVE, status.state(), t[0]);
                assertTrue(status.error() != null && status.error().contains("is a copy of " + t[1] + ", which is up now"),
                        t[0] + ": " + status.error());
                assertTrue(events.stream().anyMatch(e -> e instanceof dev.wgdesk.app.ipc.IpcEvent.ErrorOccurred err
                        && err.name().equals(t[0]) && err.message().contains(t[1])), t[0] + ": " + events);
                assertTrue(log.tail(100).stream().anyMatch(l -> t[0].equals(l.tunnel()) && l.level().equals("ERROR")
                        && l.message().contains(t[1])), t[0] + ": " + log.tail(100));
            }
            assertFalse(state.active().contains("office"), "not recorded as active while it is not");
            assertTrue(state.autostart().contains("home"), "autostart stays the owner's choice");
        } finally {
            restarted.close();
        }

        // the originals are down at the next start: both come up
        up.clear();
        TunnelManager again = new TunnelManager(ConfigStore.open(stateDir), StateStore.open(stateDir),
                RuntimeJournal.open(stateDir), new FakeBackend(), HelperPolicy.defaults(), log, e -> { },
                OwnershipRulesTest.NAMES);
        again.setActivationGuard(new SystemTunnels(wg, nm, up::contains)::refuseActivation);
        try {
            again.startup();
            assertEquals(TunnelState.ACTIVE, again.status("home").state(), "autostart");
            assertEquals(TunnelState.INACTIVE, again.status("office").state(), "no longer recorded as active");
            assertEquals(null, again.status("office").error());
        } finally {
            again.close();
        }
    }
}
