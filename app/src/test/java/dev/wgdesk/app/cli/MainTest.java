package dev.wgdesk.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wgdesk.app.ipc.IpcJson;
import dev.wgdesk.engine.crypto.PrivateKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The CLI against a real helper (fake backend), through its exit codes and output. */
@Timeout(60)
class MainTest {
    @TempDir
    Path dir;
    CliHarness cli;
    Path socket;
    String out;
    String err;

    static String config(String allowed) {
        return "[Interface]\nPrivateKey = " + PrivateKey.generate().toBase64() + "\nAddress = 10.9.0.1/24\n\n[Peer]\n"
                + "PublicKey = " + PrivateKey.generate().publicKey().toBase64() + "\nAllowedIPs = " + allowed + "\n";
    }

    @BeforeEach
    void start() throws IOException {
        cli = CliHarness.start(dir);
        socket = cli.socket();
    }

    @AfterEach
    void stop() {
        cli.close();
    }

    int run(String... args) {
        CliHarness.Result r = cli.run(args);
        out = r.out();
        err = r.err();
        return r.code();
    }

    @Test
    void importReportsEachFailureAndTheCount() throws IOException {
        Path home = Files.writeString(dir.resolve("home.conf"), config("10.1.0.0/16"));
        Path badName = Files.writeString(dir.resolve("way-too-long-name.conf"), config("10.2.0.0/16"));
        Path zip = dir.resolve("provider.zip");
        String broken = "[Interface]\nPrivateKey = " + PrivateKey.generate().toBase64() + "\nListenPort = 99999\n";
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            put(z, "configs/se-1.conf", config("10.3.0.0/16"));
            put(z, "configs/se-2.conf", broken);
            put(z, "README.txt", "not a config");
            put(z, "__MACOSX/configs/._se-1.conf", "junk");
        }
        assertEquals(Main.EXIT_FAILED, run("import", home.toString(), badName.toString(), zip.toString(),
                dir.resolve("missing.conf").toString()));
        assertTrue(out.contains("imported home from " + home), out);
        assertTrue(out.contains("imported se-1 from provider.zip:configs/se-1.conf"), out);
        assertTrue(out.endsWith("imported 2 of 5\n"), out);
        assertTrue(err.contains("failed: " + badName + ": \"way-too-long-name\" is longer than 15 characters"), err);
        assertTrue(err.contains("se-2.conf:3:14: ListenPort: \"99999\" is out of range (0 to 65535)"), err);
        assertTrue(err.contains("failed: " + dir.resolve("missing.conf") + ": cannot read: no such file"), err);
        assertEquals(Main.EXIT_FAILED, run("import", home.toString()));
        assertTrue(err.contains("exists already (remove it first with: wgdesk remove home)"), err);
    }

    private static void put(ZipOutputStream z, String name, String text) throws IOException {
        z.putNextEntry(new ZipEntry(name));
        z.write(text.getBytes(StandardCharsets.UTF_8));
        z.closeEntry();
    }

    @Test
    void upShowDownExportRemove() throws IOException {
        String text = config("10.1.0.0/16");
        Path home = Files.writeString(dir.resolve("home.conf"), text);
        assertEquals(0, run("import", home.toString()));
        assertEquals(0, run("list"));
        assertEquals("home\tinactive\n", out);
        assertEquals(0, run("up", "home"));
        assertEquals("home is active\n", out);
        assertEquals("warning: DNS not applied: fake\n", err);
        assertEquals(0, run("show", "home", "--json"));
        JsonNode s = IpcJson.mapper().readTree(out);
        assertEquals("ACTIVE", s.path("state").asText());
        assertEquals(1, s.path("peers").size());
        // Issue 14: each peer's diagnosis (the fake backend's peer has no endpoint and never spoke).
        JsonNode diagnosis = s.path("peers").get(0).path("diagnosis");
        assertEquals("no-endpoint", diagnosis.path("code").asText(), s.toString());
        assertTrue(diagnosis.path("message").asText().startsWith("This peer has no endpoint"), diagnosis.toString());
        assertEquals(0, diagnosis.path("counters").path("initiationsSent").asInt(-1), diagnosis.toString());
        assertEquals(List.of("code", "message", "counters"), iterable(diagnosis.fieldNames()), "as docs/ipc.md says");
        assertEquals(0, run("show"));
        assertTrue(out.startsWith("tunnel: home (active)\n  public key: "), out);
        assertEquals(1, out.lines().filter(l -> l.startsWith("    diagnosis: no-endpoint: This peer has no endpoint")).count(),
                out);
        assertEquals(0, run("export", "home"));
        assertEquals(text, out);
        assertEquals(0, run("autostart", "home", "on"));
        assertEquals(0, run("list", "--json"));
        assertEquals(true, IpcJson.mapper().readTree(out).get(0).path("autostart").asBoolean());
        assertEquals(0, run("down", "home"));
        assertEquals("home is inactive\n", out);
        assertEquals(0, run("log", "-n", "3"));
        assertEquals(3, out.lines().count());
        assertEquals(0, run("remove", "home"));
        assertEquals(0, run("list"));
        assertEquals("no tunnels (import one with: wgdesk import FILE.conf)\n", out);
    }

    @Test
    void networkManagerKeyfileImportsWarnsAndExportsBack() throws IOException {
        PrivateKey key = PrivateKey.generate();
        String peer = PrivateKey.generate().publicKey().toBase64();
        Path nm = Files.writeString(dir.resolve("Office VPN.nmconnection"), """
                [connection]
                id=Office VPN
                uuid=ee38c05b-1966-4a97-a0d7-b159bdac783a
                type=wireguard
                interface-name=wg-office

                [wireguard]
                listen-port=51820
                private-key=%s

                [wireguard-peer.%s]
                endpoint=192.0.2.1:51820
                persistent-keepalive=25
                allowed-ips=10.0.0.0/8;

                [ipv4]
                address1=10.0.0.2/24
                dns=10.0.0.53;
                dns-priority=-50
                method=manual

                [ipv6]
                addr-gen-mode=default
                method=disabled

                [proxy]
                """.formatted(key.toBase64(), peer));
        assertEquals(0, run("import", nm.toString()));
        assertTrue(out.contains("imported Office-VPN from " + nm), out);
        assertTrue(err.contains("warning: Office VPN.nmconnection:1:1: [connection] autoconnect: is a NetworkManager"), err);
        assertTrue(err.contains("warning: Office VPN.nmconnection:19:1: [ipv4] dns-priority: \"-50\" is a NetworkManager"
                + " setting wg-quick cannot express; not imported"), err);
        assertTrue(!err.contains(key.toBase64()), err);

        assertEquals(0, run("export", "Office-VPN"));
        String conf = out;
        Path file = dir.resolve("out.nmconnection");
        assertEquals(0, run("export", "Office-VPN", "--format", "nm", "-o", file.toString()));
        assertEquals("wrote " + file + "\n", out);
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String keyfile = Files.readString(file);
        assertTrue(keyfile.startsWith("[connection]\nid=Office-VPN\nuuid="), keyfile);
        assertTrue(keyfile.contains("\n[wireguard-peer." + peer + "]\nendpoint=192.0.2.1:51820\n"), keyfile);

        assertEquals(0, run("remove", "Office-VPN"));
        assertEquals(0, run("import", file.toString()));
        assertEquals("", err);
        assertEquals(0, run("export", "Office-VPN"));
        assertEquals(conf, out);
        assertEquals(Main.EXIT_USAGE, run("export", "Office-VPN", "--format", "ini"));
    }

    @Test
    void failuresHaveNonZeroExitCodesAndSayWhatToDo() {
        assertEquals(Main.EXIT_FAILED, run("up", "nope"));
        assertEquals("wgdesk: no tunnel named nope (see: wgdesk list)\n", err);
        assertEquals(Main.EXIT_USAGE, run("frobnicate"));
        assertTrue(err.startsWith("wgdesk: unknown verb frobnicate\nusage:"), err);
        assertEquals(Main.EXIT_USAGE, run("up"));
        assertEquals(Main.EXIT_USAGE, run("show", "--bogus"));
        cli.close();
        assertEquals(Main.EXIT_UNREACHABLE, run("list"));
        assertEquals("wgdesk: cannot reach the helper at " + socket
                + ": is the wgdesk-helper service running? (systemctl start wgdesk-helper)\n", err);
    }

    @Test
    void versionNamesTheCommit() {
        assertEquals(0, run("--version"));
        assertTrue(out.matches("wgdesk \\S+ \\(commit (unknown|[0-9a-f]{7,40})\\)\n"), out);
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
