package dev.wgdesk.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The helper follows an endpoint name's change of address at its next look-up, not up to 30 s
 * later (the JVM's own answer cache): a JVM in a network namespace of the test's own, whose
 * {@code /etc/hosts} is {@code /etc/netns/NAME/hosts} (bind-mounted by {@code ip netns exec}),
 * looks a name up, the test changes the file in place, and the JVM looks it up again. Needs root.
 */
@Timeout(60)
class NameLookupCacheTest {
    private static final String HOST = "peer.wgdesk-lookup.test";

    private final String ns = "wgdnc" + ProcessHandle.current().pid();
    private final Path etc = Path.of("/etc/netns", ns);
    private Process probe;

    @Test
    void theHelperSeesANewAddressAtOnce() throws Exception {
        assertEquals(List.of("192.0.2.1", "192.0.2.2"), lookUpBeforeAndAfterAChange(true));
    }

    @Test
    void withoutItTheJvmKeepsTheOldAnswer() throws Exception {
        // The check above can fail: a JVM that keeps its cache still answers with the old address.
        assertEquals(List.of("192.0.2.1", "192.0.2.1"), lookUpBeforeAndAfterAChange(false));
    }

    private List<String> lookUpBeforeAndAfterAChange(boolean uncached) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root (network namespaces)");
        assumeTrue(run("ip", "netns", "add", ns) == 0, "cannot create a network namespace");
        Files.createDirectories(etc);
        Path hosts = etc.resolve("hosts");
        writeInPlace(hosts, "127.0.0.1 localhost\n192.0.2.1 " + HOST + "\n");
        probe = new ProcessBuilder("ip", "netns", "exec", ns, HelperJvm.java(), "-cp", HelperJvm.classPath(),
                Probe.class.getName(), Boolean.toString(uncached)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader in = new BufferedReader(new InputStreamReader(probe.getInputStream(), StandardCharsets.UTF_8));
        Writer w = new java.io.OutputStreamWriter(probe.getOutputStream(), StandardCharsets.UTF_8);
        String first = ask(w, in);
        // In place (the namespace's /etc/hosts is a bind mount of this very file, not of its name).
        writeInPlace(hosts, "127.0.0.1 localhost\n192.0.2.2 " + HOST + "\n");
        String second = ask(w, in);
        return List.of(first, second);
    }

    private static String ask(Writer w, BufferedReader in) throws IOException {
        w.write(HOST + "\n");
        w.flush();
        return in.readLine();
    }

    private static void writeInPlace(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (probe != null) {
            probe.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        run("ip", "netns", "del", ns);
        Files.deleteIfExists(etc.resolve("hosts"));
        Files.deleteIfExists(etc);
    }

    private static int run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor(20, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    /** Looks up each name read from stdin and prints its address, with the helper's setting or without. */
    public static final class Probe {
        public static void main(String[] args) throws IOException {
            if (Boolean.parseBoolean(args[0])) {
                Main.uncachedNameLookups();
            }
            PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String name; (name = in.readLine()) != null; ) {
                out.println(InetAddress.getByName(name).getHostAddress());
            }
        }
    }
}
