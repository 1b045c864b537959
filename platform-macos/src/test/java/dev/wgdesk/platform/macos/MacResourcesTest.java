package dev.wgdesk.platform.macos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The macOS installer's inputs (installers/src/macos/resources) and the login LaunchAgent: each
 * plist is well-formed XML of the plist shape once jpackage's words are replaced, with the keys
 * launchd and the Finder need; the postinstall script creates the group, adds the console user,
 * makes the state directory root-only and loads the daemon (run here with stub Mac commands).
 */
class MacResourcesTest {
    private static final Path MACOS = Path.of("../installers/src/macos");
    private static final Path RESOURCES = MACOS.resolve("resources");

    /** The top-level dict of a plist, values as String, Boolean, Long or List. */
    static Map<String, Object> parsePlist(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
        f.setIgnoringComments(true);
        DocumentBuilder b = f.newDocumentBuilder();
        Element root = b.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8))).getDocumentElement();
        assertEquals("plist", root.getTagName());
        List<Element> top = children(root);
        assertEquals(1, top.size());
        @SuppressWarnings("unchecked")
        Map<String, Object> dict = (Map<String, Object>) value(top.getFirst());
        return dict;
    }

    private static List<Element> children(Node n) {
        List<Element> out = new ArrayList<>();
        for (Node c = n.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c instanceof Element e) {
                out.add(e);
            } else if (c.getNodeType() == Node.TEXT_NODE) {
                assertTrue(c.getTextContent().isBlank() || !(n instanceof Element pe && (pe.getTagName().equals("dict")
                        || pe.getTagName().equals("array"))), "stray text in <" + n.getNodeName() + ">: " + c.getTextContent());
            }
        }
        return out;
    }

    private static Object value(Element e) {
        return switch (e.getTagName()) {
            case "dict" -> {
                Map<String, Object> m = new LinkedHashMap<>();
                List<Element> kids = children(e);
                assertEquals(0, kids.size() % 2, "dict has key/value pairs");
                for (int i = 0; i < kids.size(); i += 2) {
                    assertEquals("key", kids.get(i).getTagName());
                    assertFalse(m.containsKey(kids.get(i).getTextContent()), "duplicate key " + kids.get(i).getTextContent());
                    m.put(kids.get(i).getTextContent(), value(kids.get(i + 1)));
                }
                yield m;
            }
            case "array" -> children(e).stream().map(MacResourcesTest::value).toList();
            case "string" -> e.getTextContent();
            case "integer" -> Long.parseLong(e.getTextContent());
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new AssertionError("not a plist element: " + e.getTagName());
        };
    }

    /** What jpackage does to its templates: replace its words. */
    private static String substitute(String template, Map<String, String> words) {
        String s = template;
        for (Map.Entry<String, String> w : words.entrySet()) {
            s = s.replace(w.getKey(), w.getValue());
        }
        return s;
    }

    @Test
    void launchDaemonRunsTheHelperAsRootKeptAlive() throws Exception {
        String t = Files.readString(MACOS.resolve("launchd/dev.wgdesk.helper.plist"));
        String exe = "/Applications/wgdesk.app/Contents/MacOS/wgdesk-helper";
        Map<String, Object> d = parsePlist(t.replace("APPLICATION_LAUNCHER", exe));
        assertEquals("dev.wgdesk.helper", d.get("Label"));
        assertEquals(List.of(exe, "helper", "--socket", "/var/run/wgdesk/helper.sock", "--state-dir",
                "/Library/Application Support/wgdesk", "--policy", "/etc/wgdesk/helper.conf"), d.get("ProgramArguments"));
        assertEquals("root", d.get("UserName"));
        assertEquals(Boolean.TRUE, d.get("RunAtLoad"));
        assertEquals(Boolean.TRUE, d.get("KeepAlive"));
        assertEquals(63L, d.get("Umask"), "umask 077: the helper's files are private");
        assertTrue(((Long) d.get("ExitTimeOut")) >= 10, "time to take tunnels down after SIGTERM");
        assertEquals("/Library/Logs/wgdesk/helper.log", d.get("StandardErrorPath"));
        assertEquals(parsePlist(MacServiceRegistration.plist(Path.of(exe))), d,
                "the .pkg installs the same daemon as MacServiceRegistration.install");
    }

    @Test
    void infoPlistHidesTheDockIcon() throws Exception {
        String t = Files.readString(RESOURCES.resolve("Info.plist"));
        Map<String, String> words = new LinkedHashMap<>();
        words.put("DEPLOY_LAUNCHER_NAME", "wgdesk");
        words.put("DEPLOY_ICON_FILE", "wgdesk.icns");
        words.put("DEPLOY_BUNDLE_IDENTIFIER", "dev.wgdesk");
        words.put("DEPLOY_BUNDLE_NAME", "wgdesk");
        words.put("DEPLOY_BUNDLE_SHORT_VERSION", "0.1.0");
        words.put("DEPLOY_BUNDLE_CFBUNDLE_VERSION", "0.1.0");
        words.put("DEPLOY_BUNDLE_COPYRIGHT", "MIT");
        words.put("DEPLOY_FILE_ASSOCIATIONS", "");
        Map<String, Object> d = parsePlist(substitute(t, words));
        assertEquals(Boolean.TRUE, d.get("LSUIElement"));
        for (String k : List.of("CFBundleExecutable", "CFBundleIdentifier", "CFBundleName", "CFBundlePackageType",
                "CFBundleShortVersionString", "CFBundleVersion")) {
            assertTrue(d.containsKey(k), k);
        }
        assertFalse(substitute(t, words).contains("DEPLOY_"), "every jpackage word known to this test");
    }

    /** Mac commands as exported shell functions logging their arguments to $CALLS. */
    private static final String STUBS = """
            log() { printf '%s\\n' "$*" >> "$CALLS"; }
            dseditgroup() { log dseditgroup "$@"; [[ $2 == read ]] && return "${GROUP_MISSING:-1}"; return 0; }
            stat() { echo alice; }
            launchctl() { log launchctl "$@"; [[ $1 == bootout ]] && { echo "Boot-out failed: 3: No such process"; return 3; }; return 0; }
            chown() { log chown "$@"; }
            pkgutil() { log pkgutil "$@"; }
            export -f log dseditgroup stat launchctl chown pkgutil
            script=$1; shift
            exec bash "$script" "$@"
            """;

    /** Runs {@code script} with the stubs; returns its output, asserting exit code {@code exit}. */
    private static String runWithStubs(Path script, Map<String, String> env, int exit, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", STUBS, "_", script.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(exit, p.exitValue(), out);
        return out;
    }

    /** An installed wgdesk.app as far as the scripts look at it. */
    private static Path fakeApp(Path dir) throws Exception {
        Path app = dir.resolve("Applications/wgdesk.app");
        Path res = Files.createDirectories(app.resolve("Contents/Resources"));
        Files.copy(MACOS.resolve("launchd/dev.wgdesk.helper.plist"), res.resolve("dev.wgdesk.helper.plist"));
        Files.writeString(res.resolve("helper.conf"), "#allow-scripts=false\n");
        for (String name : List.of("wgdesk-helper", "wgdesk-engine")) {
            Path launcher = Files.createDirectories(app.resolve("Contents/MacOS")).resolve(name);
            Files.writeString(launcher, "#!/bin/sh\n");
            Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return app;
    }

    @Test
    void postinstallCreatesTheGroupAddsTheConsoleUserAndLoadsTheDaemon(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("calls.log");
        Path app = fakeApp(dir);
        Path daemon = dir.resolve("Library/LaunchDaemons/dev.wgdesk.helper.plist");
        Path bin = dir.resolve("usr/local/bin");
        Map<String, String> env = Map.of("CALLS", log.toString(), "WGDESK_APP", app.toString(),
                "WGDESK_STATE_DIR", dir.resolve("state").toString(), "WGDESK_LOG_DIR", dir.resolve("logs").toString(),
                "WGDESK_ETC_DIR", dir.resolve("etc/wgdesk").toString(), "WGDESK_DAEMON_PLIST", daemon.toString(),
                "WGDESK_BIN_DIR", bin.toString());
        runWithStubs(RESOURCES.resolve("postinstall"), env, 0, "/tmp/wgdesk.pkg", "/Applications", "/");
        List<String> calls = Files.readAllLines(log);
        assertTrue(calls.contains("dseditgroup -o create -r wgdesk users wgdesk"), calls.toString());
        assertTrue(calls.contains("dseditgroup -o edit -a alice -t user wgdesk"), calls.toString());
        assertEquals(List.of("launchctl bootout system/dev.wgdesk.helper", "launchctl bootstrap system " + daemon),
                calls.stream().filter(c -> c.startsWith("launchctl")).toList());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("state"))));
        Map<String, Object> d = parsePlist(Files.readString(daemon));
        assertEquals(parsePlist(MacServiceRegistration.plist(app.resolve("Contents/MacOS/wgdesk-helper"))), d,
                "the template with the launcher's path filled in");
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(daemon)));
        assertEquals("#allow-scripts=false\n", Files.readString(dir.resolve("etc/wgdesk/helper.conf")));
        // the engine's command: an absolute link straight to the launcher (jpackage's launcher reads one link)
        Path engine = bin.resolve("wgdesk-engine");
        assertTrue(Files.isSymbolicLink(engine), engine + " is a link");
        assertEquals(app.resolve("Contents/MacOS/wgdesk-engine"), Files.readSymbolicLink(engine));

        // an upgrade: the administrator's policy stays, the daemon is reloaded
        Files.writeString(dir.resolve("etc/wgdesk/helper.conf"), "allow-scripts=true\n");
        Files.delete(log);
        runWithStubs(RESOURCES.resolve("postinstall"), Map.of("CALLS", log.toString(), "WGDESK_APP", app.toString(),
                "WGDESK_STATE_DIR", dir.resolve("state").toString(), "WGDESK_LOG_DIR", dir.resolve("logs").toString(),
                "WGDESK_ETC_DIR", dir.resolve("etc/wgdesk").toString(), "WGDESK_DAEMON_PLIST", daemon.toString(),
                "GROUP_MISSING", "0", "WGDESK_BIN_DIR", bin.toString()), 0);
        calls = Files.readAllLines(log);
        assertEquals(app.resolve("Contents/MacOS/wgdesk-engine"), Files.readSymbolicLink(engine), "the link is renewed");
        assertFalse(calls.stream().anyMatch(c -> c.startsWith("dseditgroup -o create")), "the group exists: " + calls);
        assertTrue(calls.contains("launchctl bootstrap system " + daemon), calls.toString());
        assertEquals("allow-scripts=true\n", Files.readString(dir.resolve("etc/wgdesk/helper.conf")));
    }

    @Test
    void postinstallRefusesAnAppWithoutTheHelper(@TempDir Path dir) throws Exception {
        Path app = fakeApp(dir);
        Files.delete(app.resolve("Contents/MacOS/wgdesk-helper"));
        String out = runWithStubs(RESOURCES.resolve("postinstall"), Map.of("CALLS", dir.resolve("calls").toString(),
                "WGDESK_APP", app.toString(), "WGDESK_STATE_DIR", dir.resolve("state").toString(),
                "WGDESK_LOG_DIR", dir.resolve("logs").toString(), "WGDESK_ETC_DIR", dir.resolve("etc").toString(),
                "WGDESK_DAEMON_PLIST", dir.resolve("d.plist").toString(), "WGDESK_BIN_DIR", dir.resolve("bin").toString()), 1);
        assertTrue(out.contains("wgdesk-helper is missing"), out);
        assertFalse(Files.exists(dir.resolve("d.plist")));
    }

    @Test
    void postinstallLeavesSomeoneElsesWgdeskEngineAndReportsAMissingLauncher(@TempDir Path dir) throws Exception {
        Path app = fakeApp(dir);
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.writeString(bin.resolve("wgdesk-engine"), "#!/bin/sh\n# someone's own\n");
        Map<String, String> env = Map.of("CALLS", dir.resolve("calls").toString(), "WGDESK_APP", app.toString(),
                "WGDESK_STATE_DIR", dir.resolve("state").toString(), "WGDESK_LOG_DIR", dir.resolve("logs").toString(),
                "WGDESK_ETC_DIR", dir.resolve("etc").toString(), "WGDESK_DAEMON_PLIST", dir.resolve("d.plist").toString(),
                "WGDESK_BIN_DIR", bin.toString());
        String out = runWithStubs(RESOURCES.resolve("postinstall"), env, 0);
        assertTrue(out.contains("exists and is not a link: left as it is"), out);
        assertEquals("#!/bin/sh\n# someone's own\n", Files.readString(bin.resolve("wgdesk-engine")));
        assertTrue(Files.exists(dir.resolve("d.plist")), "the helper is installed all the same");

        Files.delete(bin.resolve("wgdesk-engine"));
        Files.delete(app.resolve("Contents/MacOS/wgdesk-engine"));
        out = runWithStubs(RESOURCES.resolve("postinstall"), env, 1);
        assertTrue(out.contains("wgdesk-engine is missing: no wgdesk-engine command"), out);
        assertFalse(Files.exists(bin.resolve("wgdesk-engine"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void preinstallStopsARunningHelper(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("calls.log");
        runWithStubs(RESOURCES.resolve("preinstall"), Map.of("CALLS", log.toString()), 0);
        assertEquals(List.of("launchctl bootout system/dev.wgdesk.helper"), Files.readAllLines(log));
    }

    @Test
    void uninstallRemovesEverythingButTheTunnelsUnlessPurged(@TempDir Path root) throws Exception {
        Path log = root.resolve("calls.log");
        fakeApp(root);
        List<Path> gone = List.of(
                root.resolve("Library/LaunchDaemons/dev.wgdesk.helper.plist"),
                root.resolve("Library/Logs/wgdesk/helper.log"),
                root.resolve("var/run/wgdesk/helper.sock"),
                root.resolve("Users/alice/Library/LaunchAgents/dev.wgdesk.tray.plist"));
        List<Path> kept = List.of(
                root.resolve("Library/Application Support/wgdesk/configs/wg0.conf"),
                root.resolve("etc/wgdesk/helper.conf"),
                root.resolve("Users/alice/Library/LaunchAgents/other.plist"));
        for (Path f : concat(gone, kept)) {
            Files.createDirectories(f.getParent());
            Files.writeString(f, "x");
        }
        Path bin = Files.createDirectories(root.resolve("usr/local/bin"));
        Files.createSymbolicLink(bin.resolve("wgdesk-engine"), root.resolve("Applications/wgdesk.app/Contents/MacOS/wgdesk-engine"));
        Files.createSymbolicLink(bin.resolve("wg"), root.resolve("opt/homebrew/bin/wg"));
        Map<String, String> env = Map.of("CALLS", log.toString(), "WGDESK_ROOT", root.toString());
        String out = runWithStubs(MACOS.resolve("uninstall.sh"), env, 0);
        assertFalse(Files.exists(bin.resolve("wgdesk-engine"), java.nio.file.LinkOption.NOFOLLOW_LINKS), "the engine's link removed");
        assertTrue(Files.isSymbolicLink(bin.resolve("wg")), "not ours");
        for (Path f : gone) {
            assertFalse(Files.exists(f), f + " removed");
        }
        assertFalse(Files.exists(root.resolve("Applications/wgdesk.app")));
        assertFalse(Files.exists(root.resolve("Library/Logs/wgdesk")));
        for (Path f : kept) {
            assertTrue(Files.exists(f), f + " kept");
        }
        assertTrue(out.contains("--purge"), out);
        List<String> calls = Files.readAllLines(log);
        assertEquals("launchctl bootout system/dev.wgdesk.helper", calls.getFirst(), "the helper is stopped first");
        assertTrue(calls.contains("pkgutil --forget dev.wgdesk"), calls.toString());
        assertFalse(calls.stream().anyMatch(c -> c.startsWith("dseditgroup -o delete")), calls.toString());

        Files.delete(log);
        runWithStubs(MACOS.resolve("uninstall.sh"), Map.of("CALLS", log.toString(), "WGDESK_ROOT", root.toString(),
                "GROUP_MISSING", "0"), 0, "--purge");
        assertFalse(Files.exists(root.resolve("Library/Application Support/wgdesk")));
        assertFalse(Files.exists(root.resolve("etc/wgdesk")));
        assertTrue(Files.exists(root.resolve("Users/alice/Library/LaunchAgents/other.plist")), "not ours");
        assertTrue(Files.readAllLines(log).contains("dseditgroup -o delete wgdesk"));
        runWithStubs(MACOS.resolve("uninstall.sh"), env, 2, "--everything");

        // a wgdesk-engine that is not the app's link stays
        Files.writeString(bin.resolve("wgdesk-engine"), "#!/bin/sh\n");
        runWithStubs(MACOS.resolve("uninstall.sh"), env, 0);
        assertTrue(Files.isRegularFile(bin.resolve("wgdesk-engine")), "not ours");
    }

    private static List<Path> concat(List<Path> a, List<Path> b) {
        List<Path> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** bash -n on every shell script of the macOS installer, and shellcheck where it is installed. */
    @Test
    void scriptsParse() throws Exception {
        List<Path> scripts = List.of(RESOURCES.resolve("postinstall"), RESOURCES.resolve("preinstall"),
                MACOS.resolve("uninstall.sh"), MACOS.resolve("build-pkg.sh"));
        boolean shellcheck = new ProcessBuilder("sh", "-c", "command -v shellcheck").start().waitFor() == 0;
        for (Path s : scripts) {
            assertTrue(Files.isExecutable(s), s + " is executable (pkgbuild keeps the mode)");
            assertEquals("#!", Files.readString(s).substring(0, 2), s + " has a #! line");
            Process p = new ProcessBuilder("bash", "-n", s.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), s + ": " + out);
            if (shellcheck) {
                p = new ProcessBuilder("shellcheck", "-S", "warning", s.toString()).redirectErrorStream(true).start();
                out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(0, p.waitFor(), s + ": " + out);
            }
        }
    }

    @Test
    @org.junit.jupiter.api.condition.DisabledOnOs(org.junit.jupiter.api.condition.OS.MAC)
    void buildPkgRefusesToRunOffAMac() throws Exception {
        Process p = new ProcessBuilder("bash", MACOS.resolve("build-pkg.sh").toString(), "a", "b", "c", "d", "e", "f", "g", "h")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, p.waitFor(), out);
        assertTrue(out.contains("the .pkg is built on macOS only; this is Linux"), out);
    }

    /** Mac commands for build-pkg.sh, sourced by its bash through BASH_ENV (so that an absolute path can be a function). */
    private static final String BUILD_STUBS = """
            log() { printf '%s\\n' "$*" >> "$CALLS"; }
            uname() { case ${1:-} in -m) echo x86_64 ;; *) echo Darwin ;; esac; }
            codesign() { log codesign "$@"; }
            iconutil() { log iconutil "$@"; return 1; }
            pkgutil() { log pkgutil "$@"; [[ $1 == --payload-files ]] && cat "$2"; }
            # BSD sed: -i takes its (here empty) suffix as a separate argument
            sed() { if [[ ${1:-} == -i && ${2-x} == '' ]]; then shift 2; command sed -i "$@"; else command sed "$@"; fi; }
            /usr/libexec/PlistBuddy() {
              [[ $2 == 'Print :LSUIElement' ]] && grep -A1 '<key>LSUIElement</key>' "$3" | grep -q '<true/>' && echo true
            }
            """;

    /** JDK tools for build-pkg.sh: jdeps, jar, jlink (keeps bin/java unless told to strip) and jpackage as far as it is used. */
    private static final Map<String, String> JDK_STUBS = Map.of(
            "jdeps", "#!/bin/bash\necho java.base,java.desktop\n",
            "jar", """
                    #!/bin/bash
                    n=${3##*/}; n=${n%.jar}; n=${n%%-[0-9]*}; echo "${n//-/.}@25"
                    """,
            "jlink", """
                    #!/bin/bash
                    printf 'jlink %s\\n' "$*" >> "$CALLS"
                    while [ $# -gt 0 ]; do [ "$1" = --output ] && out=$2; [ "$1" = --strip-native-commands ] && strip=1; shift; done
                    mkdir -p "$out/bin" "$out/lib"; : > "$out/lib/libjli.dylib"
                    [ -n "${strip:-}${JLINK_STRIPS:-}" ] || { printf '#!/bin/sh\\n' > "$out/bin/java"; chmod 755 "$out/bin/java"; }
                    """,
            "jpackage", """
                    #!/bin/bash
                    printf 'jpackage %s\\n' "$*" >> "$CALLS"
                    launchers=() jopts=()
                    while [ $# -gt 0 ]; do
                      case $1 in
                        --type) type=$2 ;; --dest) dest=$2 ;; --name) name=$2 ;; --input) input=$2 ;;
                        --main-class) main_class=$2 ;; --runtime-image) runtime=$2 ;; --resource-dir) resdir=$2 ;;
                        --app-image) appimage=$2 ;; --add-launcher) launchers+=("$2") ;; --java-options) jopts+=("$2") ;;
                        --*) ;;
                        *) echo "jpackage stub: unexpected $1" >&2; exit 2 ;;
                      esac
                      shift 2
                    done
                    if [ "$type" = pkg ]; then
                      (cd "${appimage%/*}" && find "${appimage##*/}" | command sed 's|^|./Applications/|') > "$dest/$name-0.1.0.pkg"
                      exit 0
                    fi
                    c=$dest/$name.app/Contents
                    mkdir -p "$c/MacOS" "$c/app" "$c/Resources" "$c/runtime/Contents"
                    cp -R "$runtime" "$c/runtime/Contents/Home"
                    cp -R "$input"/. "$c/app/"
                    command sed 's/DEPLOY_[A-Z_]*/x/g' "$resdir/Info.plist" > "$c/Info.plist"
                    launcher() { # NAME MAIN-CLASS ARGUMENTS JAVA-OPTIONS...: the executable and its Contents/app/NAME.cfg
                      local n=$1 mc=$2 args=$3; shift 3
                      printf '#!/bin/sh\\n' > "$c/MacOS/$n"; chmod 755 "$c/MacOS/$n"
                      { printf '[Application]\\napp.mainclass=%s\\n' "$mc"
                        for j in "$input"/*.jar; do printf 'app.classpath=$APPDIR/%s\\n' "${j##*/}"; done
                        printf '\\n[JavaOptions]\\n'; for o in "$@"; do printf 'java-options=%s\\n' "$o"; done
                        [ -z "$args" ] || printf '\\n[ArgOptions]\\narguments=%s\\n' "$args"
                      } > "$c/app/$n.cfg"
                    }
                    launcher "$name" "$main_class" "" "${jopts[@]}"
                    for l in "${launchers[@]}"; do
                      p=${l#*=}
                      o=$(command sed -n 's/^java-options=//p' "$p")
                      if [ -n "$o" ]; then read -r -a lo <<<"$o"; else lo=("${jopts[@]}"); fi
                      mc=$(command sed -n 's/^main-class=//p' "$p")
                      launcher "${l%%=*}" "${mc:-$main_class}" "$(command sed -n 's/^arguments=//p' "$p")" "${lo[@]}"
                    done
                    """);

    /** Runs build-pkg.sh with the stubs; returns its output, asserting exit code {@code exit}. */
    private static String buildPkg(Path dir, Map<String, String> extraEnv, int exit) throws Exception {
        Path javaHome = Files.createDirectories(dir.resolve("jdk/bin"));
        for (Map.Entry<String, String> t : JDK_STUBS.entrySet()) {
            Path f = javaHome.resolve(t.getKey());
            Files.writeString(f, t.getValue());
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path input = Files.createDirectories(dir.resolve("input"));
        Path fx = Files.createDirectories(dir.resolve("javafx"));
        for (String jar : List.of("wgdesk-app-0.1.0.jar", "wgdesk-engine-0.1.0.jar", "bcprov-jdk18on-1.80.jar",
                "controlsfx-11.2.1.jar", "slf4j-api-2.0.16.jar")) {
            zip(input.resolve(jar), "META-INF/MANIFEST.MF");
        }
        zip(input.resolve("jna-5.17.0.jar"), "com/sun/jna/darwin-x86-64/libjnidispatch.jnilib");
        zip(fx.resolve("javafx-base-25-mac.jar"), "module-info.class");
        Path bashEnv = dir.resolve("stubs.sh");
        Files.writeString(bashEnv, BUILD_STUBS);
        Path out = dir.resolve("out");
        ProcessBuilder pb = new ProcessBuilder("bash", MACOS.resolve("build-pkg.sh").toString(), dir.resolve("jdk").toString(),
                input.toString(), fx.toString(), "0.1.0", "wgdesk-app-0.1.0.jar", MACOS.toString(),
                MACOS.resolve("../linux").toString(), out.toString()).redirectErrorStream(true);
        pb.environment().put("BASH_ENV", bashEnv.toString());
        pb.environment().put("CALLS", dir.resolve("calls.log").toString());
        pb.environment().remove("WGDESK_CODESIGN_IDENTITY");
        pb.environment().putAll(extraEnv);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(exit, p.exitValue(), output);
        return output;
    }

    private static void zip(Path jar, String entry) throws Exception {
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(Files.newOutputStream(jar))) {
            z.putNextEntry(new java.util.zip.ZipEntry(entry));
            z.write(1);
            z.closeEntry();
        }
    }

    /**
     * build-pkg.sh with stub Mac and JDK tools: the app image has the engine's launcher, with
     * EngineMain, the compile commands and the engine's memory options, a class path of only
     * wgdesk's, JNA's and Bouncy Castle's jars, and a runtime that keeps bin/java (Daemon.java starts it).
     */
    @Test
    void buildPkgAddsTheEngineLauncherToTheAppImage(@TempDir Path dir) throws Exception {
        String output = buildPkg(dir, Map.of(), 0);
        Path app = dir.resolve("out/pkg-work/image/wgdesk.app/Contents");
        assertTrue(Files.isExecutable(app.resolve("MacOS/wgdesk-engine")), output);
        String props = Files.readString(dir.resolve("out/pkg-work/wgdesk-engine.properties"));
        assertTrue(props.contains("main-class=dev.wgdesk.app.engine.EngineMain\n"), props);
        assertTrue(props.contains("-XX:CompileCommandFile=$APPDIR/wgdesk-compile-commands.txt"), props);

        List<String> cfg = Files.readAllLines(app.resolve("app/wgdesk-engine.cfg"));
        assertTrue(cfg.contains("app.mainclass=dev.wgdesk.app.engine.EngineMain"), cfg.toString());
        List<String> options = cfg.stream().filter(l -> l.startsWith("java-options=")).map(l -> l.substring(13)).toList();
        for (String o : List.of("-XX:CompileCommandFile=$APPDIR/wgdesk-compile-commands.txt", "--enable-native-access=ALL-UNNAMED",
                "-XX:+UseSerialGC", "-Xms8m", "-Xmn1m", "-Xmx256m", "-Xss512k", "-XX:ReservedCodeCacheSize=48m",
                "-Djna.boot.library.path=$APPDIR/native", "-XX:+ExitOnOutOfMemoryError")) {
            assertTrue(options.contains(o), o + " in " + options);
        }
        assertFalse(options.stream().anyMatch(o -> o.contains("TrimNativeHeap")), "glibc only: a warning on macOS " + options);
        assertFalse(options.stream().anyMatch(o -> o.contains("enableTemplateImages")), "the UI's option " + options);
        assertEquals(List.of("app.classpath=$APPDIR/bcprov-jdk18on-1.80.jar", "app.classpath=$APPDIR/jna-5.17.0.jar",
                "app.classpath=$APPDIR/wgdesk-app-0.1.0.jar", "app.classpath=$APPDIR/wgdesk-engine-0.1.0.jar"),
                cfg.stream().filter(l -> l.startsWith("app.classpath=")).sorted().toList(), "the engine's narrow class path");
        assertTrue(Files.readString(app.resolve("app/wgdesk-helper.cfg")).contains("controlsfx"), "other launchers keep theirs");
        assertTrue(Files.isRegularFile(app.resolve("app/wgdesk-compile-commands.txt")), "the file the option names");
        assertTrue(Files.isRegularFile(app.resolve("app/native/libjnidispatch.jnilib")));
        assertTrue(Files.isExecutable(app.resolve("runtime/Contents/Home/bin/java")), "Daemon.java starts java.home/bin/java");
        List<String> calls = Files.readAllLines(dir.resolve("calls.log"));
        String jlink = calls.stream().filter(c -> c.startsWith("jlink ")).findFirst().orElseThrow();
        assertFalse(jlink.contains("--strip-native-commands"), jlink);
        assertTrue(calls.stream().anyMatch(c -> c.startsWith("jpackage ") && c.contains("--add-launcher wgdesk-engine=")), calls.toString());
        assertTrue(calls.stream().anyMatch(c -> c.startsWith("codesign --force --deep")), calls.toString());
        assertTrue(output.contains("build-pkg: " + dir.resolve("out/wgdesk-0.1.0.pkg")), output);
    }

    @Test
    void buildPkgRefusesARuntimeWithoutBinJava(@TempDir Path dir) throws Exception {
        String output = buildPkg(dir, Map.of("JLINK_STRIPS", "1"), 1);
        assertTrue(output.contains("runtime/Contents/Home/bin/java is missing: wgdesk-engine's daemon mode starts it"), output);
    }

    /**
     * The menu-bar icon is a template: black with alpha only (macOS tints it), 22 x 22 and its
     * Retina double, the keyhole see-through; and the committed PNGs are what the renderer draws.
     */
    @Test
    void trayIconIsAMonochromeTemplateRenderedByItsScript(@TempDir Path dir) throws Exception {
        Path tray = MACOS.resolve("tray");
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(java, "-Djava.awt.headless=true", tray.resolve("RenderTemplateIcon.java").toString(),
                dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        for (String name : List.of("wgdeskTemplate.png", "wgdeskTemplate@2x.png")) {
            java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(tray.resolve(name).toFile());
            int size = name.contains("@2x") ? 44 : 22;
            assertEquals(size, img.getWidth(), name);
            assertEquals(size, img.getHeight(), name);
            int opaque = 0;
            int clear = 0;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int argb = img.getRGB(x, y);
                    int alpha = argb >>> 24;
                    if (alpha > 0) {
                        assertEquals(0, argb & 0xFFFFFF, name + ": black only, at " + x + "," + y);
                    }
                    opaque += alpha == 255 ? 1 : 0;
                    clear += alpha == 0 ? 1 : 0;
                }
            }
            assertTrue(opaque > size * size / 5 && clear > size * size / 5, name + ": a shape, not a blank or a block");
            assertEquals(0, img.getRGB(size / 2, (int) (size * 0.42)) >>> 24, name + ": the keyhole is see-through");
            java.awt.image.BufferedImage fresh = javax.imageio.ImageIO.read(dir.resolve(name).toFile());
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    assertEquals(img.getRGB(x, y), fresh.getRGB(x, y), name + " as RenderTemplateIcon draws it, at " + x + "," + y);
                }
            }
        }
    }
}
