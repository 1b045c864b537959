package dev.wgdesk.app.cli;

import com.fasterxml.jackson.databind.ObjectWriter;
import dev.wgdesk.app.helper.Helper;
import dev.wgdesk.app.helper.HelperLog;
import dev.wgdesk.app.helper.HelperPolicy;
import dev.wgdesk.app.helper.PeerAuthorizer;
import dev.wgdesk.app.helper.Version;
import dev.wgdesk.app.ipc.ErrorCode;
import dev.wgdesk.app.ipc.IpcClient;
import dev.wgdesk.app.ipc.OnDemandRule;
import dev.wgdesk.app.ipc.IpcEvent;
import dev.wgdesk.app.ipc.IpcException;
import dev.wgdesk.app.ipc.IpcJson;
import dev.wgdesk.app.ipc.IpcProtocol;
import dev.wgdesk.app.ipc.LogEntry;
import dev.wgdesk.app.ipc.TunnelInfo;
import dev.wgdesk.app.ipc.TunnelStatus;
import dev.wgdesk.engine.config.ConfigError;
import dev.wgdesk.engine.config.ConfigException;
import dev.wgdesk.engine.config.TunnelConfig;
import dev.wgdesk.engine.platform.HelperPlatform;
import dev.wgdesk.engine.platform.ServiceRegistration;
import dev.wgdesk.engine.plan.ActivationPlanner;
import dev.wgdesk.engine.plan.PlanException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The {@code wgdesk} command: the privileged helper ({@code wgdesk helper}) and the verbs that
 * talk to it over IPC. Exit codes: 0 success, 1 the operation failed, 2 usage error, 3 the helper
 * cannot be reached, 4 not authorised.
 */
public final class Main {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_UNREACHABLE = 3;
    static final int EXIT_NOT_AUTHORISED = 4;

    private static final String USAGE = """
            usage: wgdesk                      start the tray app (also: wgdesk ui [--demo] [--socket PATH] [--lang de|en])
                   wgdesk tray                 start it in the tray, without the window (login autostart)
                   wgdesk FILE.conf|FILE.zip   open files in the app (a .conf as an import preview)
                   wgdesk [--socket PATH] VERB [ARGS]
              import FILE...          import NAME.conf files and .zip archives of them
              list                    list tunnels and their state
              show [NAME] [--json]    runtime status (peers, handshakes, transfer)
              up NAME                 activate a tunnel
              down NAME               deactivate a tunnel
              import X.nmconnection   import a NetworkManager WireGuard connection (what NM-only settings are lost is listed)
              export NAME [--format conf|nm] [-o FILE]
                                      print a tunnel's configuration (it contains the private key), as wg-quick
                                      text or a NetworkManager keyfile; -o writes FILE (mode 0600) instead
              remove NAME             deactivate and delete a tunnel
              autostart NAME on|off   activate the tunnel whenever the helper starts
              ondemand NAME [--wifi any|off | --wifi-only SSIDS | --wifi-except SSIDS] [--ethernet on|off] [--off]
                                      bring the tunnel up by itself on untrusted networks and down on
                                      trusted ones (SSIDS: comma-separated, \\, for a comma in a name);
                                      without options, show its rule and what on-demand last did
              share NAME on|off       let other users of this computer (group wgdesk) activate and
                                      deactivate your tunnel (they never see its keys)
              exclude [--] CMD [ARGS...]
                                      run CMD outside every tunnel (Linux): its traffic and its children's
                                      leave by the normal network, also past the kill switch
              exclude --pid N         move your running process N outside the tunnels (its new connections)
              exclude --remove N      put process N back into the tunnels
              exclude --list          the processes running outside the tunnels
              log [--follow] [-n N]   the helper's log
              plan FILE [--os linux|macos|windows]
                                      print what activating FILE would do on that OS (default:
                                      this one), one step per line; changes nothing
              helper [--socket PATH] [--state-dir DIR] [--policy FILE]
                                      run the privileged helper (as the wgdesk-helper service)
              --version               print the version and build commit
            The socket is --socket, else $WGDESK_SOCKET, else /run/wgdesk/helper.sock.
            A tunnel belongs to whoever imported it: only its owner and root may export, change or
            remove it; other users see it and may switch it only when it is shared.
            Exit codes: 0 ok, 1 failed, 2 usage, 3 helper unreachable, 4 not authorised or not permitted.
            """;

    private final PrintStream out;
    private final PrintStream err;

    private final String os;

    Main(PrintStream out, PrintStream err) {
        this(out, err, ActivationPlanner.currentOs());
    }

    /** @param os the OS whose rules apply ({@code linux}, {@code macos}, {@code windows}): tests pretend */
    Main(PrintStream out, PrintStream err, String os) {
        this.out = out;
        this.err = err;
        this.os = os;
    }

    public static void main(String[] args) {
        dev.wgdesk.app.engine.EngineMain.skipJnaLibrarySearchPath();
        if (ServiceFlags.matches(Arrays.asList(args))) { // wgdesk-helper.exe --install-service (the Windows installer)
            System.exit(ServiceFlags.run(Arrays.asList(args), dev.wgdesk.engine.platform.HelperPlatform.current(),
                    ServiceFlags.currentExecutable(), System.out, System.err));
        }
        // No verb, "ui", "tray" (the login autostart entry: starts hidden in the tray, or shows
        // the window when the desktop has no tray), "import-preview FILE..." (the Linux .conf
        // handler) or only .conf/.zip paths (the Windows association: wgdesk.exe "%1"): the tray app.
        boolean filesOnly = dev.wgdesk.app.ui.view.UiArgs.opensFilesOnly(Arrays.asList(args));
        if (args.length == 0 || filesOnly || args[0].equals("ui") || args[0].equals("tray")
                || args[0].equals("import-preview")) {
            String[] uiArgs = args.length == 0 || filesOnly ? args : Arrays.copyOfRange(args, 1, args.length);
            if (args.length > 0 && args[0].equals("tray")) {
                uiArgs = Stream.concat(Stream.of("--hidden"), Arrays.stream(uiArgs))
                        .toArray(String[]::new);
            }
            if (!Arrays.asList(uiArgs).contains("--demo") && !Arrays.asList(uiArgs).contains("--socket")) {
                startHelperIfRootAndMissing();
            }
            dev.wgdesk.app.ui.UiMain.main(uiArgs);
            return;
        }
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        int code = new Main(out, System.err).run(Arrays.asList(args));
        out.flush();
        System.exit(code);
    }

    /**
     * A newcomer who runs the app as root with no helper running gets one: started in the
     * background from this same installation, logging to the state directory. Anyone else sees
     * the app's banner explaining how to start the service.
     */
    private static void startHelperIfRootAndMissing() {
        try {
            if (new com.sun.security.auth.module.UnixSystem().getUid() != 0) {
                return;
            }
            Path socket = IpcProtocol.defaultSocket();
            if (java.nio.file.Files.exists(socket)) {
                try (var ch = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
                    ch.connect(java.net.UnixDomainSocketAddress.of(socket));
                    return; // a helper answers
                } catch (java.io.IOException stale) {
                    // nobody listening: start one below
                }
            }
            String java = ProcessHandle.current().info().command().orElse("java");
            Path log = Path.of("/var/log/wgdesk-helper.log");
            new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    Main.class.getName(), "helper")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            System.err.println("wgdesk: no helper was running; started one as root (log: " + log + ")");
        } catch (java.io.IOException | RuntimeException | LinkageError e) {
            System.err.println("wgdesk: could not start a helper: " + e.getMessage());
        }
    }

    /** Runs one command line; returns the exit code. */
    int run(List<String> argv) {
        try {
            return dispatch(argv);
        } catch (UsageException e) {
            err.println("wgdesk: " + e.getMessage());
            err.print(USAGE);
            return EXIT_USAGE;
        } catch (IpcException e) {
            err.println("wgdesk: " + e.getMessage());
            for (String d : e.details()) {
                err.println("  " + d);
            }
            return switch (e.code()) {
                case UNREACHABLE -> EXIT_UNREACHABLE;
                case NOT_AUTHORISED, NOT_PERMITTED -> EXIT_NOT_AUTHORISED;
                default -> EXIT_FAILED;
            };
        }
    }

    private int dispatch(List<String> argv) throws UsageException, IpcException {
        Path socket = null;
        int i = 0;
        while (i < argv.size() && argv.get(i).startsWith("-")) {
            String a = argv.get(i);
            if (a.equals("--version") || a.equals("-V")) {
                out.println("wgdesk " + Version.version() + " (commit " + Version.commit() + ")");
                return EXIT_OK;
            } else if (a.equals("--help") || a.equals("-h")) {
                out.print(USAGE);
                return EXIT_OK;
            } else if (a.equals("--socket") && i + 1 < argv.size()) {
                socket = Path.of(argv.get(i + 1));
                i += 2;
            } else if (a.startsWith("--socket=")) {
                socket = Path.of(a.substring("--socket=".length()));
                i++;
            } else {
                throw new UsageException("unknown option " + a);
            }
        }
        if (i >= argv.size()) {
            throw new UsageException("a verb is required");
        }
        String verb = argv.get(i);
        List<String> rest = argv.subList(i + 1, argv.size());
        if (verb.equals("help")) {
            out.print(USAGE);
            return EXIT_OK;
        }
        if (verb.equals("helper")) {
            return helper(rest, socket);
        }
        if (verb.equals("plan")) {
            return plan(Args.parse(rest, Set.of("--os"), Set.of()));
        }
        Path sock = socket != null ? socket : IpcProtocol.defaultSocket();
        return switch (verb) {
            case "import" -> importFiles(sock, Args.parse(rest, Set.of(), Set.of()));
            case "list" -> list(sock, Args.parse(rest, Set.of(), Set.of("--json")));
            case "show" -> show(sock, Args.parse(rest, Set.of(), Set.of("--json")));
            case "up" -> up(sock, one(rest, "a tunnel name: wgdesk up NAME"));
            case "down" -> down(sock, one(rest, "a tunnel name: wgdesk down NAME"));
            case "export" -> export(sock, Args.parse(rest, Set.of("--format", "-o", "--output"), Set.of()));
            case "remove" -> remove(sock, one(rest, "a tunnel name: wgdesk remove NAME"));
            case "autostart" -> autostart(sock, Args.parse(rest, Set.of(), Set.of()));
            case "share" -> share(sock, Args.parse(rest, Set.of(), Set.of()));
            case "ondemand" -> onDemand(sock, Args.parse(rest, Set.of("--wifi", "--wifi-only", "--wifi-except",
                    "--ethernet"), Set.of("--off")));
            case "exclude" -> exclude(sock, rest);
            case "log" -> log(sock, Args.parse(rest, Set.of("-n"), Set.of("--follow", "-f")));
            default -> throw new UsageException("unknown verb " + verb);
        };
    }

    /**
     * {@code exclude [--] CMD [ARGS...]}, {@code --pid N}, {@code --remove N}, {@code --list}. The
     * launcher form asks the helper to move this very process (whose uid is the caller's) and then
     * becomes CMD with {@code execvp}: same pid, terminal and environment, no JVM left running, and
     * CMD's children inherit the group. Not implemented on macOS and Windows, which it says.
     */
    private int exclude(Path sock, List<String> rest) throws UsageException, IpcException {
        if (!os.equals("linux")) {
            err.println("wgdesk exclude: running an app outside the tunnel is not implemented yet on "
                    + (os.equals("macos") ? "macOS" : os.equals("windows") ? "Windows" : os));
            return EXIT_FAILED;
        }
        if (rest.isEmpty()) {
            throw new UsageException("exclude needs a command (wgdesk exclude -- CMD ARGS...), --pid N, --remove N or --list");
        }
        String first = rest.getFirst();
        if (first.equals("--list")) {
            if (rest.size() > 1) {
                throw new UsageException("exclude --list takes no arguments");
            }
            try (IpcClient c = IpcClient.connect(sock)) {
                var r = c.exclusions();
                if (!r.path("available").asBoolean()) {
                    err.println("wgdesk exclude: " + r.path("reason").asText());
                    return EXIT_FAILED;
                }
                if (r.path("processes").isEmpty()) {
                    out.println("no process runs outside the tunnels");
                }
                for (var p : r.path("processes")) {
                    out.println(p.path("pid").asLong() + "\t" + p.path("name").asText() + "\tuid " + p.path("uid").asInt());
                }
                return EXIT_OK;
            }
        }
        if (first.equals("--pid") || first.equals("--remove")) {
            if (rest.size() != 2) {
                throw new UsageException(first + " needs one process id: wgdesk exclude " + first + " N");
            }
            long pid = parsePid(first, rest.get(1));
            try (IpcClient c = IpcClient.connect(sock)) {
                var r = first.equals("--pid") ? c.exclude(pid) : c.unexclude(pid);
                String name = r.path("name").asText();
                if (first.equals("--remove")) {
                    out.println("process " + pid + " (" + name + ") goes through the tunnels again (new connections)");
                } else if (r.path("already").asBoolean()) {
                    out.println("process " + pid + " (" + name + ") already runs outside the tunnels");
                } else {
                    out.println("process " + pid + " (" + name + ") runs outside the tunnels from now on"
                            + " (connections it opens from now on; its running children stay as they are)");
                }
                return EXIT_OK;
            }
        }
        List<String> command = first.equals("--") ? rest.subList(1, rest.size()) : rest;
        if (command.isEmpty()) {
            throw new UsageException("exclude needs a command after --");
        }
        if (!first.equals("--") && first.startsWith("-")) {
            throw new UsageException("unknown option " + first + " (to run a command starting with -, put -- before it)");
        }
        if (which(command.getFirst(), System.getenv("PATH")) == null) {
            err.println("wgdesk exclude: " + command.getFirst() + ": command not found");
            return 127;
        }
        try (IpcClient c = IpcClient.connect(sock)) {
            c.exclude(ProcessHandle.current().pid());
        }
        IOException failed = HelperPlatform.current().map(p -> p.execReplacing(command))
                .orElseGet(() -> new IOException("no platform support for this OS on the class path"));
        err.println("wgdesk exclude: cannot run " + command.getFirst() + ": " + failed.getMessage());
        return 126;
    }

    /**
     * Finds {@code command} the way {@code execvp} will: as given when it contains a slash, else
     * in each directory of {@code path}. Null when there is no such executable file.
     */
    static Path which(String command, String path) {
        if (command.isEmpty()) {
            return null;
        }
        if (command.indexOf('/') >= 0) {
            Path p = Path.of(command);
            return Files.isRegularFile(p) && Files.isExecutable(p) ? p : null;
        }
        for (String dir : (path == null || path.isEmpty() ? "/usr/local/bin:/usr/bin:/bin" : path).split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir).resolve(command);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    private static long parsePid(String option, String value) throws UsageException {
        try {
            long pid = Long.parseLong(value);
            if (pid >= 2) {
                return pid;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new UsageException(option + ": \"" + value + "\" is not a process id (a number from 2 up)");
    }

    private static String one(List<String> rest, String what) throws UsageException {
        return Args.parse(rest, Set.of(), Set.of()).expect(1, what).getFirst();
    }

    /* ====================== verbs ====================== */

    private static final List<String> PLAN_OSES = List.of("linux", "macos", "windows");

    /**
     * {@code plan FILE [--os OS]}: the {@link ActivationPlanner} of that OS
     * (found with ServiceLoader in the platform modules), run on the parsed file. Needs no helper.
     */
    private int plan(Args a) throws UsageException {
        Path file = Path.of(a.expect(1, "one configuration file: wgdesk plan FILE [--os linux|macos|windows]").getFirst());
        String os = a.has("--os") ? a.get("--os") : ActivationPlanner.currentOs();
        if (!PLAN_OSES.contains(os)) {
            throw new UsageException("--os must be one of " + String.join(", ", PLAN_OSES) + ", not " + os);
        }
        String base = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        String name = base.endsWith(".conf") ? base.substring(0, base.length() - ".conf".length()) : base;
        TunnelConfig config;
        try {
            config = TunnelConfig.parse(file);
        } catch (java.nio.file.NoSuchFileException e) {
            err.println("wgdesk: " + file + ": no such file");
            return EXIT_FAILED;
        } catch (IOException e) {
            err.println("wgdesk: cannot read " + file + ": " + e.getMessage());
            return EXIT_FAILED;
        } catch (ConfigException e) {
            for (ConfigError ce : e.errors()) {
                err.println("wgdesk: " + ce.message());
            }
            return EXIT_FAILED;
        }
        var planner = ActivationPlanner.forOs(os);
        if (planner.isEmpty()) {
            err.println("wgdesk: plan --os " + os + " is not implemented yet in this build (planners here: "
                    + String.join(", ", ActivationPlanner.available()) + ")");
            return EXIT_FAILED;
        }
        try {
            for (String line : planner.get().plan(name, config)) {
                out.println(line);
            }
            return EXIT_OK;
        } catch (PlanException e) {
            err.println("wgdesk: " + file + ": cannot be activated on " + os + ": " + e.getMessage());
            return EXIT_FAILED;
        } finally {
            config.destroy();
        }
    }

    private int importFiles(Path sock, Args a) throws UsageException, IpcException {
        if (a.operands().isEmpty()) {
            throw new UsageException("expected one or more files: wgdesk import FILE...");
        }
        List<ConfigFiles.Item> items = ConfigFiles.read(a.operands());
        int ok = 0;
        try (IpcClient c = IpcClient.connect(sock)) {
            for (ConfigFiles.Item item : items) {
                item.warnings().forEach(err::println);
                if (item.error() != null) {
                    err.println("failed: " + item.source() + ": " + item.error());
                    continue;
                }
                try {
                    c.importConfig(item.name(), item.text());
                    out.println("imported " + item.name() + " from " + item.source());
                    ok++;
                } catch (IpcException e) {
                    if (e.code() == ErrorCode.UNREACHABLE || e.code() == ErrorCode.DISCONNECTED) {
                        throw e;
                    }
                    String hint = e.code() == ErrorCode.ALREADY_EXISTS
                            ? " (remove it first with: wgdesk remove " + item.name() + ")" : "";
                    err.println("failed: " + item.source() + ": " + e.getMessage() + hint);
                    for (String d : e.details()) {
                        err.println("  " + d);
                    }
                }
            }
        }
        out.println("imported " + ok + " of " + items.size());
        return ok == items.size() ? EXIT_OK : EXIT_FAILED;
    }

    private int list(Path sock, Args a) throws UsageException, IpcException {
        a.expect(0, "no arguments");
        try (IpcClient c = IpcClient.connect(sock)) {
            List<TunnelInfo> all = c.list();
            if (a.has("--json")) {
                out.println(json(all));
            } else if (all.isEmpty()) {
                out.println("no tunnels (import one with: wgdesk import FILE.conf)");
            } else {
                for (TunnelInfo t : all) {
                    // name, state, then what applies: autostart, shared, the owner when not root,
                    // and what you may not do with it
                    out.println(t.name() + "\t" + t.state().name().toLowerCase(Locale.ROOT)
                            + (t.autostart() ? "\tautostart" : "")
                            + (t.shared() ? "\tshared" : "")
                            + (!TunnelInfo.ROOT_OWNER.equals(t.owner()) || !t.canManage() ? "\towner " + t.ownerName() : "")
                            + (t.canManage() ? "" : t.canUse() ? "\t(you may switch it, not read or change it)"
                                    : "\t(not shared with you)"));
                }
            }
        }
        return EXIT_OK;
    }

    private int show(Path sock, Args a) throws UsageException, IpcException {
        if (a.operands().size() > 1) {
            throw new UsageException("expected at most one tunnel name");
        }
        try (IpcClient c = IpcClient.connect(sock)) {
            long now = System.currentTimeMillis();
            if (a.operands().size() == 1) {
                TunnelStatus s = c.status(a.operands().getFirst());
                out.print(a.has("--json") ? json(s) + "\n" : StatusFormat.status(s, now));
            } else {
                List<TunnelStatus> all = c.status();
                if (a.has("--json")) {
                    out.println(json(all));
                } else {
                    boolean first = true;
                    for (TunnelStatus s : all) {
                        if (!first) {
                            out.println();
                        }
                        first = false;
                        out.print(StatusFormat.status(s, now));
                    }
                }
            }
        }
        return EXIT_OK;
    }

    private int up(Path sock, String name) throws IpcException {
        try (IpcClient c = IpcClient.connect(sock)) {
            TunnelStatus s = c.activate(name);
            out.println(name + " is " + s.state().name().toLowerCase(Locale.ROOT));
            for (String w : s.warnings()) {
                err.println("warning: " + w);
            }
        }
        return EXIT_OK;
    }

    private int down(Path sock, String name) throws IpcException {
        try (IpcClient c = IpcClient.connect(sock)) {
            TunnelStatus s = c.deactivate(name);
            out.println(name + " is " + s.state().name().toLowerCase(Locale.ROOT));
        }
        return EXIT_OK;
    }

    private int export(Path sock, Args a) throws UsageException, IpcException {
        String name = a.expect(1, "a tunnel name: wgdesk export NAME [--format conf|nm] [-o FILE]").getFirst();
        String format = a.has("--format") ? a.get("--format") : "conf";
        String file = a.has("-o") ? a.get("-o") : a.get("--output");
        if (!format.equals("conf") && !format.equals("nm")) {
            throw new UsageException("unknown format " + format + " (use conf or nm)");
        }
        String text;
        try (IpcClient c = IpcClient.connect(sock)) {
            text = c.getConfig(name);
        }
        if (format.equals("nm")) {
            ConfigExport.Result r = ConfigExport.toKeyfile(name, text);
            r.warnings().forEach(w -> err.println("warning: " + w));
            text = r.text();
        }
        if (file == null) {
            out.print(text);
            return EXIT_OK;
        }
        try {
            ConfigExport.writePrivate(Path.of(file), text);
        } catch (IOException e) {
            err.println("failed: cannot write " + file + ": " + e.getMessage());
            return EXIT_FAILED;
        }
        out.println("wrote " + file);
        return EXIT_OK;
    }

    private int remove(Path sock, String name) throws IpcException {
        try (IpcClient c = IpcClient.connect(sock)) {
            c.delete(name);
            out.println("removed " + name);
        }
        return EXIT_OK;
    }

    private int autostart(Path sock, Args a) throws UsageException, IpcException {
        List<String> ops = a.expect(2, "a tunnel name and on or off: wgdesk autostart NAME on|off");
        boolean on = switch (ops.get(1)) {
            case "on", "true", "yes" -> true;
            case "off", "false", "no" -> false;
            default -> throw new UsageException("expected on or off, not " + ops.get(1));
        };
        try (IpcClient c = IpcClient.connect(sock)) {
            TunnelInfo t = c.setAutostart(ops.getFirst(), on);
            out.println(t.name() + (t.autostart() ? " starts with the helper" : " does not start with the helper"));
        }
        return EXIT_OK;
    }

    /**
     * {@code ondemand NAME [options]}: changes what the options name, keeping the rest of the
     * current rule ({@code --ethernet off} alone leaves the Wi-Fi part as it was); without options
     * shows the rule and what on-demand last did.
     */
    private int onDemand(Path sock, Args a) throws UsageException, IpcException {
        String name = a.expect(1, "a tunnel name: wgdesk ondemand NAME [--wifi-except SSIDS] [--ethernet on|off] ...")
                .getFirst();
        int wifiOptions = (a.has("--wifi") ? 1 : 0) + (a.has("--wifi-only") ? 1 : 0) + (a.has("--wifi-except") ? 1 : 0);
        if (wifiOptions > 1) {
            throw new UsageException("give one of --wifi, --wifi-only, --wifi-except");
        }
        if (a.has("--off") && (wifiOptions > 0 || a.has("--ethernet"))) {
            throw new UsageException("--off turns on-demand off; it takes no other option");
        }
        try (IpcClient c = IpcClient.connect(sock)) {
            TunnelStatus now = c.status(name);
            if (wifiOptions == 0 && !a.has("--ethernet") && !a.has("--off")) {
                out.println(onDemandText(now));
                return EXIT_OK;
            }
            OnDemandRule current = now.onDemand() == null ? OnDemandRule.OFF : now.onDemand().rule();
            OnDemandRule.WifiMode mode = current.wifi();
            List<String> ssids = current.ssids();
            boolean ethernet = current.ethernet();
            if (a.has("--wifi")) {
                mode = switch (a.get("--wifi")) {
                    case "any" -> OnDemandRule.WifiMode.ANY;
                    case "off" -> OnDemandRule.WifiMode.OFF;
                    default -> throw new UsageException("--wifi takes any or off (or use --wifi-only/--wifi-except SSIDS), not "
                            + a.get("--wifi"));
                };
                ssids = List.of();
            } else if (a.has("--wifi-only")) {
                mode = OnDemandRule.WifiMode.ONLY;
                ssids = OnDemandRule.parseSsids(a.get("--wifi-only"));
            } else if (a.has("--wifi-except")) {
                mode = OnDemandRule.WifiMode.EXCEPT;
                ssids = OnDemandRule.parseSsids(a.get("--wifi-except"));
            }
            if (a.has("--ethernet")) {
                ethernet = switch (a.get("--ethernet")) {
                    case "on", "true", "yes" -> true;
                    case "off", "false", "no" -> false;
                    default -> throw new UsageException("--ethernet takes on or off, not " + a.get("--ethernet"));
                };
            }
            OnDemandRule rule;
            try {
                rule = a.has("--off") ? OnDemandRule.OFF : new OnDemandRule(mode, ssids, ethernet);
            } catch (dev.wgdesk.app.ipc.OnDemandRuleException e) {
                throw new UsageException("invalid on-demand rule: " + e.getMessage());
            }
            out.println(onDemandText(c.setOnDemand(name, rule)));
        }
        return EXIT_OK;
    }

    private static String onDemandText(TunnelStatus s) {
        if (s.onDemand() == null) {
            return s.name() + ": on-demand off (switched by hand only)";
        }
        return s.name() + ": on-demand " + s.onDemand().rule().describe() + "\n  " + s.onDemand().describe()
                + (s.onDemand().network() != null ? "\n  network: " + s.onDemand().network() : "");
    }

    private int share(Path sock, Args a) throws UsageException, IpcException {
        List<String> ops = a.expect(2, "a tunnel name and on or off: wgdesk share NAME on|off");
        boolean on = switch (ops.get(1)) {
            case "on", "true", "yes" -> true;
            case "off", "false", "no" -> false;
            default -> throw new UsageException("expected on or off, not " + ops.get(1));
        };
        try (IpcClient c = IpcClient.connect(sock)) {
            TunnelInfo t = c.setShared(ops.getFirst(), on);
            out.println(t.name() + (t.shared() ? " is shared: other users of this computer may activate and deactivate it"
                    : " is not shared: only you (its owner) and root may activate it"));
        }
        return EXIT_OK;
    }

    private int log(Path sock, Args a) throws UsageException, IpcException {
        a.expect(0, "no arguments");
        int n;
        try {
            n = a.has("-n") ? Integer.parseInt(a.get("-n")) : 100;
        } catch (NumberFormatException e) {
            throw new UsageException("-n needs a number");
        }
        if (n < 1 || n > 10_000) {
            throw new UsageException("-n must be 1 to 10000");
        }
        boolean follow = a.has("--follow") || a.has("-f");
        try (IpcClient c = IpcClient.connect(sock)) {
            LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
            if (follow) {
                c.subscribe(e -> {
                    if (e instanceof IpcEvent.LogLine l) {
                        queue.add(l.entry());
                    }
                });
                c.onDisconnect(queue::add);
            }
            List<LogEntry> tail = c.logTail(n);
            Set<LogEntry> shown = new HashSet<>(tail);
            tail.forEach(e -> out.println(StatusFormat.log(e)));
            if (!follow) {
                return EXIT_OK;
            }
            out.flush();
            while (true) {
                Object o = queue.take();
                if (o instanceof IpcException gone) {
                    throw gone;
                }
                LogEntry e = (LogEntry) o;
                if (!shown.remove(e)) {
                    out.println(StatusFormat.log(e));
                    out.flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_OK;
        }
    }

    private static String json(Object value) {
        try {
            ObjectWriter w = IpcJson.mapper().writerWithDefaultPrettyPrinter();
            return w.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /* ====================== helper ====================== */

    /**
     * The helper looks endpoint names up again to follow their DNS changes (EndpointWatcher, the
     * diagnosis' "last resolved"): the JVM's own answer cache (30 s; failures 10 s) would hide a
     * change for that long. The system resolver (systemd-resolved, nscd) still caches as it is
     * set up to. Must run before the first name look-up of the process.
     */
    static void uncachedNameLookups() {
        java.security.Security.setProperty("networkaddress.cache.ttl", "0");
        java.security.Security.setProperty("networkaddress.cache.negative.ttl", "0");
    }

    private int helper(List<String> rest, Path socketOption) throws UsageException {
        Args a = Args.parse(rest, Set.of("--socket", "--state-dir", "--policy"), Set.of());
        a.expect(0, "no arguments");
        uncachedNameLookups();
        java.util.Optional<HelperPlatform> found = HelperPlatform.current();
        if (found.isEmpty()) {
            err.println("wgdesk-helper: no platform support for " + System.getProperty("os.name") + " on the class path");
            return EXIT_FAILED;
        }
        HelperPlatform platform = found.get();
        Helper.Options d = Helper.Options.defaults(platform);
        Path socket = a.has("--socket") ? Path.of(a.get("--socket")) : socketOption != null ? socketOption : d.socket();
        Helper.Options opts = new Helper.Options(socket,
                a.has("--state-dir") ? Path.of(a.get("--state-dir")) : d.stateDir(),
                a.has("--policy") ? Path.of(a.get("--policy")) : d.policyFile(), d.maxClients(), d.defaultGroup());
        HelperLog log = new HelperLog(err);
        log.installBridge();
        if (!"root".equals(System.getProperty("user.name")) && platform.os().equals("linux")) {
            log.warning(null, "Not running as root: activating tunnels needs CAP_NET_ADMIN");
        }
        Helper[] started = new Helper[1];
        dev.wgdesk.engine.platform.TunnelBackend[] backend = new dev.wgdesk.engine.platform.TunnelBackend[1];
        try {
            platform.serviceRegistration().run(new ServiceRegistration.Body() {
                @Override
                public void start() throws IOException {
                    HelperPolicy policy = HelperPolicy.load(opts.policyFile(), opts.defaultGroup());
                    backend[0] = platform.tunnelBackend();
                    started[0] = Helper.start(opts, backend[0], platform.ipcTransport(),
                            platform.userDirectory(), new PeerAuthorizer(policy.group(), platform.userDirectory()), log);
                    // Serving already: the handshake code gets compiled before the first "up" needs it.
                    dev.wgdesk.app.helper.HandshakeWarmup.startInBackground(dev.wgdesk.app.helper.HandshakeWarmup.DEFAULT_ROUNDS,
                            line -> log.info(null, line));
                }

                @Override
                public void stop() {
                    if (started[0] != null) {
                        started[0].close();
                    }
                    // The backend's own threads (route monitor, re-resolution) stop after the tunnels.
                    if (backend[0] instanceof AutoCloseable c) {
                        try {
                            c.close();
                        } catch (Exception e) {
                            log.warning(null, "Stopping the tunnel backend: " + e.getMessage());
                        }
                    }
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.error(null, "Cannot start: " + e.getMessage());
            return EXIT_FAILED;
        }
        return EXIT_OK;
    }
}
