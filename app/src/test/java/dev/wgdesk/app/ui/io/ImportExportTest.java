package dev.wgdesk.app.ui.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.app.ui.Fixtures;
import dev.wgdesk.app.ui.gateway.FakeHelperGateway;
import dev.wgdesk.app.ui.i18n.Messages;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportExportTest {
    @TempDir
    Path dir;
    private final FakeHelperGateway helper = new FakeHelperGateway(Clock.systemUTC());

    @BeforeAll
    static void english() {
        Messages.useLocale(Locale.ROOT);
    }

    @BeforeEach
    void connect() throws Exception {
        helper.connect();
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    private Path zip(String name, String... entriesAndTexts) throws Exception {
        Path z = dir.resolve(name);
        try (OutputStream o = Files.newOutputStream(z); ZipOutputStream zo = new ZipOutputStream(o)) {
            for (int i = 0; i < entriesAndTexts.length; i += 2) {
                zo.putNextEntry(new ZipEntry(entriesAndTexts[i]));
                zo.write(entriesAndTexts[i + 1].getBytes(StandardCharsets.UTF_8));
                zo.closeEntry();
            }
        }
        return z;
    }

    @Test
    void importsConfFilesAndZipsAndReportsEachFailure() throws Exception {
        helper.with("taken", Fixtures.siteTunnel(), false);
        String bad = Fixtures.siteTunnel().replace("ListenPort = 51821", "ListenPort = 99999");
        List<Path> files = List.of(
                write("home.conf", Fixtures.fullTunnel()),
                write("broken.conf", bad),
                write("this-name-is-far-too-long.conf", Fixtures.siteTunnel()),
                zip("provider.zip",
                        "us/us-ny-1.conf", Fixtures.fullTunnel(),
                        "__MACOSX/us/._us-ny-1.conf", "junk",
                        "README.txt", "ignored",
                        "taken.conf", Fixtures.siteTunnel()),
                write("notes.txt", "hello"));
        ImportReport r = new Importer(helper).importFiles(files);

        assertEquals(List.of("home", "us-ny-1"), r.imported());
        assertEquals(6, r.total());
        assertEquals("Imported 2 of 6 tunnels", r.summary());
        List<String> sources = r.failures().stream().map(ImportReport.Failure::source).toList();
        assertEquals(List.of("broken.conf", "this-name-is-far-too-long.conf", "provider.zip/taken.conf", "notes.txt"), sources);
        assertTrue(r.failures().get(0).reason().contains("broken.conf:4:"), r.failures().get(0).reason());
        assertTrue(r.failures().get(0).reason().contains("out of range"), r.failures().get(0).reason());
        assertTrue(r.failures().get(1).reason().contains("longer than 15"), r.failures().get(1).reason());
        assertTrue(r.failures().get(2).reason().contains("exists"), r.failures().get(2).reason());
        assertTrue(r.details().contains("notes.txt: not a .conf, .zip or .nmconnection file"), r.details());
        assertTrue(helper.storedConfig("us-ny-1") != null);
    }

    @Test
    void networkManagerKeyfilesImportWithTheirWarnings() throws Exception {
        String key = dev.wgdesk.engine.crypto.PrivateKey.generate().toBase64();
        String peer = dev.wgdesk.engine.crypto.PrivateKey.generate().publicKey().toBase64();
        String keyfile = """
                [connection]
                id=Work VPN
                uuid=ee38c05b-1966-4a97-a0d7-b159bdac783a
                type=wireguard
                autoconnect=false
                interface-name=wg-work

                [wireguard]
                mtu=1380
                private-key=%s

                [wireguard-peer.%s]
                endpoint=vpn.example.com:51820
                allowed-ips=10.0.0.0/8;

                [ipv4]
                address1=10.0.0.2/24,10.0.0.1
                method=manual

                [proxy]
                """.formatted(key, peer);
        Path ok = write("work.nmconnection", keyfile);
        Path agent = write("agent.nmconnection", keyfile.replace("private-key=" + key, "private-key-flags=1"));
        assertTrue(Importer.accepts(ok));

        ImportReport r = new Importer(helper).importFiles(List.of(ok, agent));

        assertEquals(List.of("Work-VPN"), r.imported());
        assertEquals(List.of("work.nmconnection", "work.nmconnection", "work.nmconnection",
                        "agent.nmconnection", "agent.nmconnection", "agent.nmconnection"),
                r.warnings().stream().map(ImportReport.Failure::source).toList());
        assertTrue(r.warnings().get(0).reason().startsWith("work.nmconnection:2:4: [connection] id: \"Work VPN\""),
                r.warnings().get(0).reason());
        assertTrue(r.warnings().get(1).reason().contains("[connection] interface-name: \"wg-work\""),
                r.warnings().get(1).reason());
        assertTrue(r.warnings().get(2).reason().contains("[ipv4] address1: \"10.0.0.1\""), r.warnings().get(2).reason());
        assertTrue(r.details().contains("warning: work.nmconnection:17:22: [ipv4] address1"), r.details());
        assertEquals("agent.nmconnection", r.failures().getFirst().source());
        assertTrue(r.failures().getFirst().reason().contains("private-key: is not stored in this file"),
                r.failures().getFirst().reason());
        String stored = helper.storedConfig("Work-VPN");
        assertTrue(stored.contains("MTU = 1380") && stored.contains("Endpoint = vpn.example.com:51820")
                && stored.contains("Address = 10.0.0.2/24"), stored);
    }

    @Test
    void brokenAndEmptyArchivesAreReported() throws Exception {
        Path notZip = write("x.zip", "this is not a zip");
        Path empty = zip("empty.zip");
        ImportReport r = new Importer(helper).importFiles(List.of(notZip, empty));
        assertEquals(0, r.imported().size());
        assertEquals(2, r.failures().size());
        assertEquals("the archive holds no .conf file", r.failures().get(1).reason());
    }

    @Test
    void nonUtf8FileIsRefusedWithAReason() throws Exception {
        Path f = dir.resolve("latin.conf");
        Files.write(f, new byte[] {'[', 'I', (byte) 0xE9, ']'});
        ImportReport r = new Importer(helper).importFiles(List.of(f));
        assertEquals("the file is not UTF-8 text", r.failures().getFirst().reason());
    }

    @Test
    void exportThenReimportRoundTrips() throws Exception {
        String home = Fixtures.fullTunnel();
        String office = Fixtures.siteTunnel();
        helper.with("home", home, true).with("office", office, false);
        Path zip = dir.resolve("all.zip");
        assertEquals(2, new Exporter(helper).exportAll(zip));
        if (Files.getFileStore(zip).supportsFileAttributeView("posix")) {
            assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                    Files.getPosixFilePermissions(zip), "the archive holds private keys");
        }
        try (var s = Files.list(dir)) {
            assertEquals(List.of(zip), s.toList(), "no temporary file is left");
        }

        FakeHelperGateway other = new FakeHelperGateway(Clock.systemUTC());
        other.connect();
        ImportReport r = new Importer(other).importFiles(List.of(zip));
        assertEquals("Imported 2 of 2 tunnels", r.summary());
        assertEquals(home, other.storedConfig("home"));
        assertEquals(office, other.storedConfig("office"));
    }
}
