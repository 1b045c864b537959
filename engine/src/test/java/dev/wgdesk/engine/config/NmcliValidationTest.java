package dev.wgdesk.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * NetworkManager's own keyfile reader accepts what {@link NmKeyfile#write} writes: each export is
 * fed to {@code nmcli --offline connection modify} (NetworkManager >= 1.42, no daemon needed),
 * which reads the keyfile, verifies the connection as NetworkManager would on load, and writes it
 * back; that output must import to the same config. nmcli comes unpacked, not installed, by
 * {@code config/nm/fetch-nmcli.sh} (run by .ci/run); without it the test is skipped and says so.
 */
class NmcliValidationTest {
    private static final Path DIR = Path.of(System.getenv().getOrDefault("WGDESK_NMCLI_DIR", "/var/tmp/wgdesk-nmcli"));
    private static Path nmcli;
    private static String libDir;

    /** nmcli's exit status and output. */
    private record Result(int status, String out, String err) {}

    @BeforeAll
    static void findNmcli() throws IOException {
        nmcli = DIR.resolve("root/usr/bin/nmcli");
        assumeTrue(Files.isExecutable(nmcli) && Files.exists(DIR.resolve("libdir")),
                "nmcli not unpacked in " + DIR + ": run engine/src/test/resources/config/nm/fetch-nmcli.sh");
        libDir = Files.readString(DIR.resolve("libdir")).strip();
    }

    private static Result nmcliModify(String keyfile) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(nmcli.toString(), "--offline", "connection", "modify",
                "connection.autoconnect", "no");
        pb.environment().put("LD_LIBRARY_PATH", libDir);
        Path err = Files.createTempFile("nmcli", ".err");
        try {
            pb.redirectError(err.toFile());
            Process p = pb.start();
            p.getOutputStream().write(keyfile.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "nmcli did not finish");
            return new Result(p.exitValue(), out, Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private static void assertNetworkManagerAccepts(TunnelName name, TunnelConfig c) throws Exception {
        NmExport e = NmKeyfile.write(name, c, UUID.randomUUID());
        Result r = nmcliModify(e.text());

        assertEquals(0, r.status(), r.err());
        NmImport back = NmKeyfile.parse(name + ".nmconnection", r.out());
        assertEquals(List.of(), back.errors());
        assertEquals(c, back.config().orElseThrow());
        assertEquals(name, back.name());
    }

    @Test
    void networkManagerAcceptsTheFixtureExport() throws Exception {
        TunnelConfig c = NmKeyfile.parse("home.nmconnection", Fixtures.read("nm/home.nmconnection")).config().orElseThrow();
        assertNetworkManagerAccepts(TunnelName.of("home"), c);
    }

    @Test
    void networkManagerAcceptsGeneratedExports() throws Exception {
        RandomConfigs gen = new RandomConfigs(11);
        for (int n = 0; n < 100; n++) {
            assertNetworkManagerAccepts(TunnelName.of("gen" + n), NmKeyfileTest.expressible(gen.config()));
        }
    }

    @Test
    void nmcliRejectsAnInvalidKeyfile() throws Exception {
        // The check above would be worthless if nmcli accepted anything: a wireguard connection
        // without interface-name is refused.
        Result r = nmcliModify("[connection]\nid=x\ntype=wireguard\n\n[wireguard]\nprivate-key="
                + Fixtures.PRIVATE_1 + "\n");
        assertNotEquals(0, r.status());
        assertTrue(r.err().contains("interface-name"), r.err());
    }
}
