package dev.wgdesk.platform.windows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The wintun.dll the build fetched and verified (pom.xml, fetch-wintun): its pinned SHA-256, its
 * Authenticode signer (osslsigncode, where installed) and, under wine, that it loads with the
 * same search flags {@link JnaWintun} uses and resolves all 14 exports {@link WintunNative}
 * declares. Creating an adapter needs the real driver, so nothing here goes further than
 * {@code WintunGetRunningDriverVersion} (0 with ERROR_FILE_NOT_FOUND: no driver loaded).
 */
class WintunDllTest {
    static final String AMD64_SHA256 = "e5da8447dc2c320edc0fc52fa01885c103de8c118481f683643cacc3220dafce";
    static final String ARM64_SHA256 = "f7ba89005544be9d85231a9e0d5f23b2d15b3311667e2dad0debd344918a3f80";

    private static Path dll(String arch) {
        String dir = System.getProperty("wgdesk.wintun.dir", "target/wintun");
        Path p = Path.of(dir, arch, "wintun.dll");
        assumeTrue(Files.isRegularFile(p), "skipped: " + p + " was not fetched (offline build?)");
        return p;
    }

    private static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    @Test
    void theFetchedDllsAreThePinnedOnesWithTheirLicence() throws Exception {
        assertEquals(AMD64_SHA256, sha256(dll("amd64")));
        assertEquals(ARM64_SHA256, sha256(dll("arm64")));
        for (String arch : List.of("amd64", "arm64")) {
            String licence = Files.readString(dll(arch).resolveSibling("wintun-prebuilt-binaries-license.txt"));
            assertTrue(licence.startsWith("Prebuilt Binaries License"), licence);
        }
    }

    @Test
    void bothDllsExportExactlyTheFourteenFunctionsForTheirArchitecture() throws Exception {
        PeExports amd64 = PeExports.parse(Files.readAllBytes(dll("amd64")));
        PeExports arm64 = PeExports.parse(Files.readAllBytes(dll("arm64")));
        assertEquals(PeExports.IMAGE_FILE_MACHINE_AMD64, amd64.machine());
        assertEquals(PeExports.IMAGE_FILE_MACHINE_ARM64, arm64.machine());
        List<String> want = WintunNative.EXPORTS.stream().sorted().toList();
        assertEquals(want, amd64.names().stream().sorted().toList());
        assertEquals(want, arm64.names().stream().sorted().toList());
    }

    @Test
    void bothDllsAreSignedByWireGuardLlc() throws Exception {
        assumeTrue(MingwWine.onPath("osslsigncode").isPresent(),
                "skipped: osslsigncode is not installed (apt-get install --no-install-recommends osslsigncode)");
        try (MingwWine.WorkDir w = MingwWine.workDir()) {
            for (String arch : List.of("amd64", "arm64")) {
                // -ignore-crl: no internet here for the CRLs; the signature and the chain are checked
                MingwWine.Result r = MingwWine.run(
                        List.of("osslsigncode", "verify", "-ignore-crl", "-in", dll(arch).toString()), w.path(), 60);
                assertTrue(r.output().contains("Signature verification: ok"), arch + ":\n" + r.output());
                assertTrue(r.output().contains("/O=WireGuard LLC/CN=WireGuard LLC"), arch + ":\n" + r.output());
                assertEquals(0, r.exit(), r.output());
            }
        }
    }

    /** Loads wintun.dll like JnaWintun (or plainly, with "plain") and resolves the exports. */
    static String probe() {
        String names = WintunNative.EXPORTS.stream().map(n -> "\"" + n + "\"").collect(Collectors.joining(", "));
        return """
                #include <windows.h>
                #include <stdio.h>
                #include <string.h>
                static const char *names[] = {%s, NULL};
                int main(int argc, char **argv) {
                  HMODULE h;
                  if (argc > 1 && strcmp(argv[1], "plain") == 0)
                    h = LoadLibraryW(L"wintun.dll");
                  else
                    h = LoadLibraryExW(L"wintun.dll", NULL, 0x%x | 0x%x);
                  if (!h) { printf("load failed %%lu\\n", GetLastError()); return 3; }
                  int ok = 0;
                  for (int i = 0; names[i]; i++) {
                    FARPROC p = GetProcAddress(h, names[i]);
                    printf("export %%s %%s\\n", names[i], p ? "found" : "MISSING");
                    ok += p != NULL;
                  }
                  typedef DWORD (WINAPI *Version)(void);
                  Version v = (Version) GetProcAddress(h, "WintunGetRunningDriverVersion");
                  SetLastError(0);
                  DWORD ver = v();
                  printf("driver version %%lu error %%lu\\n", ver, GetLastError());
                  printf("resolved %%d\\n", ok);
                  return 0;
                }
                """.formatted(names, JnaWintun.LOAD_LIBRARY_SEARCH_APPLICATION_DIR, JnaWintun.LOAD_LIBRARY_SEARCH_SYSTEM32);
    }

    @Test
    void underWineTheDllLoadsFromTheApplicationDirectoryOnlyAndExportsAll14() throws Exception {
        Path dll = dll("amd64");
        MingwWine.requireTools();
        try (MingwWine.WorkDir w = MingwWine.workDir()) {
            Path app = Files.createDirectories(w.path().resolve("app"));
            Path exe = MingwWine.compile(app, "loadwintun", probe());
            Files.copy(dll, app.resolve("wintun.dll"));
            MingwWine.Result r = MingwWine.runUnderWine(app, exe);
            assertEquals(0, r.exit(), r.output());
            for (String name : WintunNative.EXPORTS) {
                assertTrue(r.output().contains("export " + name + " found"), name + ":\n" + r.output());
            }
            assertTrue(r.output().contains("resolved 14"), r.output());
            assertTrue(r.output().contains("driver version 0 error 2"), "no driver under wine:\n" + r.output());
            System.out.println("WintunDllTest: 14/14 exports resolved under wine; WintunGetRunningDriverVersion() = 0, "
                    + "GetLastError 2 (no driver)");

            // The DLL only in a PATH directory, not beside the exe: our flags refuse it (DLL planting),
            // a plain LoadLibrary takes it.
            Files.delete(app.resolve("wintun.dll"));
            Path elsewhere = Files.createDirectories(w.path().resolve("onpath"));
            Files.copy(dll, elsewhere.resolve("wintun.dll"));
            ProcessBuilder flags = wineIn(app, exe, elsewhere, null);
            MingwWine.Result refused = MingwWine.run(flags, app, 300);
            assertEquals(3, refused.exit(), "loaded from the PATH:\n" + refused.output());
            assertTrue(refused.output().contains("load failed 126"), refused.output()); // ERROR_MOD_NOT_FOUND
            MingwWine.Result plain = MingwWine.run(wineIn(app, exe, elsewhere, "plain"), app, 300);
            MingwWine.stopServer(app.resolve("wineprefix"), app);
            assertTrue(plain.output().contains("resolved 14"), "control: plain LoadLibrary uses PATH:\n" + plain.output());
        }
    }

    private static ProcessBuilder wineIn(Path app, Path exe, Path pathDir, String arg) {
        List<String> cmd = new java.util.ArrayList<>(List.of(MingwWine.wine().orElseThrow().toString(), exe.getFileName().toString()));
        if (arg != null) {
            cmd.add(arg);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("WINEPREFIX", app.resolve("wineprefix").toString());
        pb.environment().put("WINEDEBUG", "-all");
        pb.environment().put("WINEDLLOVERRIDES", "mscoree,mshtml=");
        pb.environment().put("WINEPATH", "Z:" + pathDir.toString().replace('/', '\\'));
        pb.environment().remove("DISPLAY");
        return pb;
    }
}
