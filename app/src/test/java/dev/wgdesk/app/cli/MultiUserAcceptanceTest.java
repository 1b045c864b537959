package dev.wgdesk.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgdesk.engine.crypto.PrivateKey;
import dev.wgdesk.platform.linux.net.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Who may use the helper, end to end (issue 15 item 6, issue 10 items 9 to 11), as root: the
 * test creates a group and three real users ({@code useradd}/{@code groupadd}, removed
 * afterwards): A and B are members of the group only through a supplementary group (their
 * primary group is {@code users}), C is not a member. The real helper runs in its own network
 * namespace (a separate JVM) with that group in its policy, on a temporary socket; the
 * {@code wgdesk} CLI runs as each user through {@code setpriv --init-groups}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(300)
class MultiUserAcceptanceTest {
    private final String id = Long.toString(ProcessHandle.current().pid() % 100_000);
    private final String group = "wgdg" + id;
    private final String userA = "wgda" + id;
    private final String userB = "wgdb" + id;
    private final String userC = "wgdc" + id;
    private final String ns = "wgdmu" + id;
    private final String tunnel = "mu" + id;
    private final String hookFile = "/tmp/wgdesk-hook-" + id;
    private final List<String> created = new ArrayList<>();
    private boolean groupCreated;
    private boolean nsCreated;
    private Path base;
    private Path cp;
    private Path socket;
    private Process helper;

    private static String missing() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "not root";
        }
        for (String tool : List.of("useradd", "userdel", "groupadd", "groupdel", "gpasswd", "setpriv", "ip")) {
            if (Stream.of(System.getenv("PATH").split(":")).noneMatch(d -> Files.isExecutable(Path.of(d, tool)))
                    && !Files.isExecutable(Path.of("/usr/sbin", tool))) {
                return tool + " not installed";
            }
        }
        if (!Files.isExecutable(Path.of("/usr/bin/python3"))) {
            return "no /usr/bin/python3";
        }
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            return "no /dev/net/tun";
        }
        return null;
    }

    private static Command.Result run(String... argv) throws IOException {
        return Command.run(List.of(argv), null, Map.of(), 60);
    }

    private static void check(String... argv) throws IOException {
        Command.Result r = run(argv);
        assertEquals(0, r.exitCode(), String.join(" ", argv) + ": " + r.stdout() + r.stderr());
    }

    @BeforeAll
    void setUp() throws Exception {
        String why = missing();
        Assumptions.assumeTrue(why == null, "skipping the multi-user acceptance test: " + why);
        base = Files.createTempDirectory("wgdesk-mu-");
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwx--x--x"));
        socket = base.resolve("run/helper.sock");
        check("groupadd", group);
        groupCreated = true;
        for (String u : List.of(userA, userB)) {
            check("useradd", "-M", "-N", "-g", "users", "-G", group, "-s", "/usr/sbin/nologin", u);
            created.add(u);
        }
        check("useradd", "-M", "-N", "-g", "users", "-s", "/usr/sbin/nologin", userC);
        created.add(userC);
        // The users must be able to read the program.
        cp = Files.createTempDirectory("wgdesk-mu-cp-");
        Files.writeString(cp.resolve("classpath"), HelperJvm.copyReadableClassPath(cp));
        Files.writeString(base.resolve("helper.conf"), "group=" + group + "\nallow-scripts=true\n");
        check("ip", "netns", "add", ns);
        nsCreated = true;
        check("ip", "-n", ns, "link", "set", "lo", "up");
        // Membership is asked on every request here (no cache), so removing a member shows at once.
        helper = new ProcessBuilder("ip", "netns", "exec", ns, HelperJvm.java(), "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
                "-D" + dev.wgdesk.app.helper.PeerAuthorizer.CACHE_PROPERTY + "=0",
                "-cp", HelperJvm.classPath(), Main.class.getName(), "helper", "--socket", socket.toString(),
                "--state-dir", base.resolve("state").toString(), "--policy", base.resolve("helper.conf").toString())
                .redirectErrorStream(true).redirectOutput(base.resolve("helper.log").toFile()).start();
        HelperJvm.awaitSocket(helper, socket, base.resolve("helper.log"), 60);
    }

    @AfterAll
    void tearDown() throws Exception {
        if (helper != null) {
            helper.destroy();
            if (!helper.waitFor(20, TimeUnit.SECONDS)) {
                helper.destroyForcibly();
                helper.waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (nsCreated) {
            run("ip", "netns", "del", ns);
        }
        for (String u : created) {
            run("userdel", u);
        }
        if (groupCreated) {
            run("groupdel", group);
        }
        Files.deleteIfExists(Path.of(hookFile));
        for (Path dir : new Path[] {base, cp}) {
            if (dir != null) {
                if (dir == base) {
                    HelperJvm.keepLog(base.resolve("helper.log"), "multi-user-helper.log");
                }
                HelperJvm.deleteTree(dir);
            }
        }
    }

    /* ====================== helpers ====================== */

    /** setpriv as {@code user} with its primary group and the supplementary groups of the user database. */
    private static List<String> as(String user) {
        return List.of("setpriv", "--reuid=" + user, "--regid=users", "--init-groups");
    }

    /** The CLI as {@code user}. */
    private Command.Result cli(String user, String... args) throws IOException {
        List<String> argv = new ArrayList<>(as(user));
        argv.addAll(List.of(HelperJvm.java(), "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", Files.readString(cp.resolve("classpath")),
                Main.class.getName(), "--socket", socket.toString()));
        argv.addAll(List.of(args));
        return Command.run(argv, null, Map.of(), 120);
    }

    private Command.Result cliOk(String user, String... args) throws IOException {
        Command.Result r = cli(user, args);
        assertEquals(0, r.exitCode(), user + ": wgdesk " + String.join(" ", args) + ": " + r.stdout() + r.stderr());
        return r;
    }

    /** Raw protocol as {@code user} through python3: each line of {@code requests} is sent, the answers printed. */
    private Command.Result raw(String user, int connections, String request) throws IOException {
        String script = """
                import socket, sys, json
                conns = []
                for i in range(int(sys.argv[2])):
                    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    s.connect(sys.argv[1])
                    f = s.makefile('rb')
                    conns.append((s, f))
                    print(f.readline().decode().strip(), flush=True)
                if sys.argv[3]:
                    s, f = conns[0]
                    s.sendall(sys.argv[3].encode() + b'\\n')
                    print(f.readline().decode().strip(), flush=True)
                """;
        List<String> argv = new ArrayList<>(as(user));
        argv.addAll(List.of("/usr/bin/python3", "-c", script, socket.toString(), Integer.toString(connections), request));
        return Command.run(argv, null, Map.of(), 60);
    }

    private Path confFile(String extra) throws IOException {
        Path f = base.resolve(tunnel + ".conf");
        Files.writeString(f, "[Interface]\nPrivateKey = " + PrivateKey.generate().toBase64() + "\nAddress = 10.213.0.1/32\n"
                + extra + "\n[Peer]\nPublicKey = " + PrivateKey.generate().publicKey().toBase64()
                + "\nAllowedIPs = 10.213.1.0/24\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        return f;
    }

    /* ====================== tests ====================== */

    @Test
    @Order(1)
    void aNonMemberIsRefusedAndASupplementaryMemberIsServed() throws Exception {
        // The users' primary group is "users": membership comes only from the supplementary group.
        assertFalse(run("id", "-gn", userA).stdout().contains(group));
        assertTrue(run("id", "-Gn", userA).stdout().contains(group));

        Command.Result c = cli(userC, "list");
        assertEquals(Main.EXIT_NOT_AUTHORISED, c.exitCode(), c.stdout() + c.stderr());
        // The socket is 0660 root:GROUP, so the kernel refuses C before the helper sees it.
        assertTrue(c.stderr().startsWith("wgdesk: not authorised to use the helper at " + socket), c.stderr());

        Command.Result a = cliOk(userA, "list");
        assertTrue(a.stdout().startsWith("no tunnels"), a.stdout());
    }

    @Test
    @Order(2)
    void theHelperItselfRefusesANonMemberWhoReachesTheSocket() throws Exception {
        // Open the socket to everyone: now the helper's own check (by uid and gid) must refuse C.
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
        try {
            Command.Result c = cli(userC, "list");
            assertEquals(Main.EXIT_NOT_AUTHORISED, c.exitCode(), c.stdout() + c.stderr());
            String uid = run("id", "-u", userC).stdout().strip();
            assertTrue(c.stderr().contains("not authorised: user " + userC + " (uid " + uid + ") is neither root nor a member of the group '"
                    + group + "'"), c.stderr());
        } finally {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
        }
    }

    @Test
    @Order(3)
    void aTunnelBelongsToWhoeverImportedIt() throws Exception {
        Path conf = confFile("PostUp = touch " + hookFile + "\n");
        cliOk(userA, "import", conf.toString());

        Command.Result listB = cliOk(userB, "list");
        assertTrue(listB.stdout().contains(tunnel + "\tinactive\towner " + userA + "\t(not shared with you)"), listB.stdout());

        Command.Result export = cli(userB, "export", tunnel);
        assertEquals(Main.EXIT_NOT_AUTHORISED, export.exitCode(), export.stdout() + export.stderr());
        assertTrue(export.stderr().contains("belongs to " + userA), export.stderr());
        assertFalse(export.stdout().contains("PrivateKey"), "no key reached B");
        for (String[] verb : List.of(new String[] {"remove", tunnel}, new String[] {"up", tunnel},
                new String[] {"down", tunnel}, new String[] {"share", tunnel, "on"}, new String[] {"autostart", tunnel, "on"})) {
            Command.Result r = cli(userB, verb);
            assertEquals(Main.EXIT_NOT_AUTHORISED, r.exitCode(), String.join(" ", verb) + ": " + r.stdout() + r.stderr());
        }
        // Editing (the save method, as the app's editor does) is refused too, over the raw protocol.
        Command.Result edit = raw(userB, 1, "{\"id\":1,\"method\":\"save\",\"params\":{\"name\":\"" + tunnel
                + "\",\"config\":" + dev.wgdesk.app.ipc.IpcJson.mapper().writeValueAsString(Files.readString(confFile(""))) + "}}");
        assertTrue(edit.stdout().contains("\"code\":\"NOT_PERMITTED\""), edit.stdout() + edit.stderr());
        // Importing over it is refused as well.
        Command.Result again = cli(userB, "import", conf.toString());
        assertEquals(Main.EXIT_FAILED, again.exitCode());
        assertTrue(again.stderr().contains("exists already"), again.stderr());

        // A reads it back; the hook A wrote is stored but will not run, and show says why.
        assertTrue(cliOk(userA, "export", tunnel).stdout().contains("PostUp = touch " + hookFile));
        String uidA = run("id", "-u", userA).stdout().strip();
        String show = cliOk(userB, "show", tunnel).stdout();
        assertTrue(show.contains("hooks: PreUp/PostUp/PreDown/PostDown stored but not run (1 command(s)): " + userA
                + " (uid " + uidA + "), not root, imported or last edited this configuration"), show);
    }

    @Test
    @Order(4)
    void anotherMemberMaySwitchItOnlyOnceItsOwnerSharesIt() throws Exception {
        Command.Result refused = cli(userB, "up", tunnel);
        assertEquals(Main.EXIT_NOT_AUTHORISED, refused.exitCode(), refused.stderr());
        assertTrue(refused.stderr().contains("who has not shared it"), refused.stderr());

        assertTrue(cliOk(userA, "share", tunnel, "on").stdout().contains("is shared"));
        Command.Result up = cliOk(userB, "up", tunnel);
        assertTrue(up.stdout().contains(tunnel + " is active"), up.stdout());
        assertTrue(up.stderr().contains("stored but not run"), up.stderr());
        assertFalse(Files.exists(Path.of(hookFile)), "A's PostUp did not run as root although scripts are allowed");
        assertEquals(0, run("ip", "-n", ns, "link", "show", "dev", tunnel).exitCode(), "the interface is up in the helper's namespace");
        assertTrue(cliOk(userB, "down", tunnel).stdout().contains(tunnel + " is inactive"));

        // Shared is for switching only: still no keys, no changes.
        assertEquals(Main.EXIT_NOT_AUTHORISED, cli(userB, "export", tunnel).exitCode());
        assertEquals(Main.EXIT_NOT_AUTHORISED, cli(userB, "remove", tunnel).exitCode());
        assertEquals(Main.EXIT_NOT_AUTHORISED, cli(userB, "share", tunnel, "off").exitCode());

        assertTrue(cliOk(userA, "share", tunnel, "off").stdout().contains("is not shared"));
        assertEquals(Main.EXIT_NOT_AUTHORISED, cli(userB, "up", tunnel).exitCode());
        cliOk(userA, "remove", tunnel);
    }

    @Test
    @Order(5)
    void connectionsPerUserAreCappedButNotForRoot() throws Exception {
        int cap = dev.wgdesk.app.ipc.IpcProtocol.MAX_CLIENTS_PER_USER;
        Command.Result a = raw(userA, cap + 1, "");
        List<String> lines = a.stdout().lines().toList();
        assertEquals(cap + 1, lines.size(), a.stdout() + a.stderr());
        for (int i = 0; i < cap; i++) {
            assertTrue(lines.get(i).contains("\"type\":\"hello\""), lines.get(i));
        }
        assertTrue(lines.get(cap).contains("\"code\":\"TOO_MANY_CLIENTS\""), lines.get(cap));
        Command.Result root = raw("root", cap + 1, "");
        assertEquals(cap + 1, root.stdout().lines().filter(l -> l.contains("\"type\":\"hello\"")).count(), root.stdout());
    }

    @Test
    @Order(6)
    void aMemberRemovedFromTheGroupLosesAnOpenConnection() throws Exception {
        String script = """
                import socket, sys
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(sys.argv[1])
                f = s.makefile('rb')
                print(f.readline().decode().strip(), flush=True)
                s.sendall(b'{"id":1,"method":"list"}\\n')
                print(f.readline().decode().strip(), flush=True)
                sys.stdin.readline()
                s.sendall(b'{"id":2,"method":"list"}\\n')
                print(f.readline().decode().strip(), flush=True)
                print('end:' + f.readline().decode().strip(), flush=True)
                """;
        List<String> argv = new ArrayList<>(as(userB));
        argv.addAll(List.of("/usr/bin/python3", "-c", script, socket.toString()));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
             var in = p.outputWriter()) {
            assertTrue(out.readLine().contains("\"type\":\"hello\""));
            assertTrue(out.readLine().contains("\"result\""), "served while a member");
            check("gpasswd", "-d", userB, group);
            in.write("go\n");
            in.flush();
            String refused = out.readLine();
            assertTrue(refused.contains("\"id\":2") && refused.contains("\"code\":\"NOT_AUTHORISED\""), refused);
            assertEquals("end:", out.readLine(), "and the connection was closed");
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
