package dev.wgdesk.app.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * wg-quick's own darwin.bash (unmodified, from ../shared/oracles) runs {@code up} and
 * {@code down} with wgdesk-engine as its {@code WG_QUICK_USERSPACE_IMPLEMENTATION}, on Linux:
 * the engine is the real {@link EngineMain} with the macOS rules and daemon mode ({@link Daemon})
 * over an in-memory utun provider ({@link DarwinSimMain}: {@code utun} gives utun7); the real
 * Linux {@code wg} configures it through /var/run/wireguard/utun7.sock; ifconfig, route, netstat,
 * networksetup, stat and launchctl are stubs answering like a Mac (they change nothing). It runs in
 * a private mount and network namespace with a tmpfs on /run, so /var/run/wireguard is its own.
 *
 * <p>What this proves: wg-quick finds the interface through WG_TUN_NAME_FILE and utun7.sock, the
 * daemon start returns once both exist, {@code wg addconf} reaches the engine, and
 * {@code wg-quick down} (which removes the socket and the name file) ends the engine. What it
 * does not: anything about a real Mac's kernel, launchd or JVM. Skipped, saying why, without
 * the oracle, root namespaces or wg.
 */
class DarwinWgQuickTest {
    private static Path findOracle() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path c = p.resolve("shared/oracles/wg-quick/darwin.bash");
            if (Files.isReadable(c)) {
                return c;
            }
        }
        return null;
    }

    private static boolean runs(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static final String STUBS = """
            launchctl() { return 1; }
            stat() {
              case "$2" in
                %m) echo 1700000000 ;;
                *) echo 0600 ;;
              esac
            }
            ifconfig() {
              if (( $# == 1 )); then
                case "$1" in
                  en0) printf 'en0: flags=8863<UP,BROADCAST,SMART,RUNNING,SIMPLEX,MULTICAST> mtu 1500\\n\\tinet 192.168.1.23 netmask 0xffffff00\\n' ;;
                  utun*) printf '%s: flags=8051<UP,POINTOPOINT,RUNNING,MULTICAST> mtu 1420\\n' "$1" ;;
                  *) echo "ifconfig: interface $1 does not exist" >&2; return 1 ;;
                esac
              fi
              return 0
            }
            netstat() {
              case "$*" in
                *"-f inet6"*) printf 'Routing tables\\n\\nInternet6:\\nDestination Gateway Flags Netif Expire\\n' ;;
                *"-f inet"*) printf 'Routing tables\\n\\nInternet:\\nDestination Gateway Flags Refs Use Netif Expire\\ndefault 192.168.1.1 UGSc 42 0 en0\\n' ;;
              esac
            }
            route() {
              case "$*" in
                "-n get "*) printf '   route to: %s\\n  interface: en0\\n' "${*: -1}" ;;
              esac
              return 0
            }
            networksetup() {
              case "$1" in
                -listallnetworkservices) printf 'An asterisk (*) denotes that a network service is disabled.\\nWi-Fi\\n' ;;
              esac
              return 0
            }
            """;

    private static final String RUN = """
            set -u
            T=$1; ORACLE=$2
            mount -t tmpfs tmpfs /run || exit 90
            [[ -L /var/run ]] || mount -t tmpfs tmpfs /var/run || exit 90
            ip link set lo up 2>/dev/null
            source "$T/stubs.bash"
            export -f launchctl stat ifconfig netstat route networksetup
            umask 077
            printf '[Interface]\\nPrivateKey = %s\\nAddress = 10.99.0.2/32\\n\\n[Peer]\\nPublicKey = %s\\nAllowedIPs = 10.99.0.0/24\\n' \\
              "$(wg genkey)" "$(wg genkey | wg pubkey)" > "$T/wg0.conf"
            export WG_QUICK_USERSPACE_IMPLEMENTATION=$T/engine WGDESK_SIM_PIDFILE=$T/engine.pid
            bash "$ORACLE" up "$T/wg0.conf" </dev/null >"$T/up.out" 2>"$T/up.err"; echo "UP_STATUS=$?"
            echo "NAMEFILE=$(cat /var/run/wireguard/wg0.name 2>&1)"
            echo "FILES=$(cd /var/run/wireguard && ls -A | tr '\\n' ' ')"
            echo "WG_INTERFACES=$(wg show interfaces 2>&1)"
            echo "WG_ALLOWED=$(wg show utun7 allowed-ips 2>&1 | cut -f2)"
            bash "$ORACLE" down "$T/wg0.conf" </dev/null >"$T/down.out" 2>"$T/down.err"; echo "DOWN_STATUS=$?"
            pid=$(cat "$T/engine.pid" 2>/dev/null)
            for i in $(seq 1 300); do [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            if [[ -z $pid ]]; then echo "ENGINE=no pid file"
            elif kill -0 "$pid" 2>/dev/null; then echo "ENGINE=running"; kill "$pid"
            else echo "ENGINE=ended"; fi
            echo "FILES_AFTER=$(cd /var/run/wireguard && ls -A | tr '\\n' ' ')"
            """;

    @Test
    void wgQuickDarwinUpAndDownDriveTheEngine() throws Exception {
        Path oracle = findOracle();
        Assumptions.assumeTrue(oracle != null, "wg-quick's darwin.bash (shared/oracles) is not beside the project");
        Assumptions.assumeTrue(runs("unshare", "-m", "-n", "true"), "no private mount and network namespace (needs root)");
        Assumptions.assumeTrue(runs("wg", "--version"), "wg (wireguard-tools) is not installed");
        Path t = Files.createTempDirectory("wgd-wgquick-");
        try {
            Path engine = t.resolve("engine");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Files.writeString(engine, "#!/bin/sh\nexec '" + java + "' -Xshare:auto -cp '" + System.getProperty("java.class.path")
                    + "' " + DarwinSimMain.class.getName() + " \"$@\"\n");
            Files.setPosixFilePermissions(engine, PosixFilePermissions.fromString("rwx------"));
            Files.writeString(t.resolve("stubs.bash"), STUBS);
            Files.writeString(t.resolve("run.bash"), RUN);
            Process p = new ProcessBuilder("unshare", "-m", "-n", "bash", t.resolve("run.bash").toString(), t.toString(),
                    oracle.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("the darwin.bash run did not finish in 120 s:\n" + out);
            }
            String up = read(t.resolve("up.err"));
            String down = read(t.resolve("down.err"));
            String all = out + "\n--- up stderr:\n" + up + "\n--- down stderr:\n" + down;
            Map<String, String> r = new HashMap<>();
            for (String line : out.lines().toList()) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    r.put(line.substring(0, eq), line.substring(eq + 1).strip());
                }
            }
            assertEquals("0", r.get("UP_STATUS"), all);
            assertTrue(up.contains("[#] " + engine + " utun\n"), all);
            assertTrue(up.contains("[+] Interface for wg0 is utun7\n"), all);
            assertTrue(up.contains("[#] wg addconf utun7 /dev/fd/"), all);
            assertTrue(up.contains("[#] ifconfig utun7 inet 10.99.0.2/32 10.99.0.2 alias\n"), all);
            assertTrue(up.contains("[#] route -q -n add -inet 10.99.0.0/24 -interface utun7\n"), all);
            assertEquals("utun7", r.get("NAMEFILE"), all);
            assertEquals("utun7.sock wg0.name", r.get("FILES"), all);
            assertTrue((" " + r.get("WG_INTERFACES") + " ").contains(" utun7 "), all);
            assertEquals("10.99.0.0/24", r.get("WG_ALLOWED"), "wg addconf reached the engine:\n" + all);
            assertEquals("0", r.get("DOWN_STATUS"), all);
            assertTrue(down.contains("[#] rm -f /var/run/wireguard/utun7.sock\n"), all);
            assertEquals("ended", r.get("ENGINE"), "removing its socket ends the engine:\n" + all);
            assertEquals("", r.get("FILES_AFTER"), all);
        } finally {
            killLeftover(t.resolve("engine.pid"));
            try (Stream<Path> s = Files.list(t)) {
                for (Path f : s.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(t);
        }
    }

    private static String read(Path p) throws IOException {
        return Files.exists(p) ? Files.readString(p) : "(missing " + p.getFileName() + ")";
    }

    /** Ends the simulated engine this test started, if it still runs (by its pid, never by name). */
    private static void killLeftover(Path pidFile) throws IOException {
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> l = Files.readAllLines(pidFile);
        if (!l.isEmpty()) {
            ProcessHandle.of(Long.parseLong(l.get(0).strip())).ifPresent(h -> {
                if (h.info().commandLine().orElse("").contains(DarwinSimMain.class.getName())) {
                    h.destroyForcibly();
                }
            });
        }
    }
}
