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
    private static final Path RESOURCES = Path.of("../installers/src/macos/resources");

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
        String t = Files.readString(RESOURCES.resolve("dev.wgdesk-wgdesk-helper.plist"));
        Map<String, Object> d = parsePlist(substitute(t, Map.of("LABEL", "dev.wgdesk-wgdesk-helper",
                "APPLICATION_LAUNCHER", "/Applications/wgdesk.app/Contents/MacOS/wgdesk-helper")));
        assertEquals("dev.wgdesk-wgdesk-helper", d.get("Label"));
        assertEquals(List.of("/Applications/wgdesk.app/Contents/MacOS/wgdesk-helper", "helper", "--socket",
                "/var/run/wgdesk/helper.sock", "--state-dir", "/Library/Application Support/wgdesk"), d.get("ProgramArguments"));
        assertEquals("root", d.get("UserName"));
        assertEquals(Boolean.TRUE, d.get("RunAtLoad"));
        assertEquals(Boolean.TRUE, d.get("KeepAlive"));
        assertEquals(63L, d.get("Umask"), "umask 077: the helper's files are private");
        assertTrue(((Long) d.get("ExitTimeOut")) >= 10, "time to take tunnels down after SIGTERM");
        assertEquals("/Library/Logs/wgdesk/helper.log", d.get("StandardErrorPath"));
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

    @Test
    void loginAgentStartsTheTray(@TempDir Path home) throws Exception {
        Map<String, Object> d = parsePlist(MacLoginItem.plist("/Applications/wg & desk.app/Contents/MacOS/wgdesk"));
        assertEquals(MacLoginItem.LABEL, d.get("Label"));
        assertEquals(List.of("/Applications/wg & desk.app/Contents/MacOS/wgdesk", "tray"), d.get("ProgramArguments"));
        assertEquals(Boolean.TRUE, d.get("RunAtLoad"));
        assertEquals("Aqua", d.get("LimitLoadToSessionType"));
        assertFalse(MacLoginItem.isSet(home));
        MacLoginItem.set(home, "/Applications/wgdesk.app/Contents/MacOS/wgdesk", true);
        assertTrue(MacLoginItem.isSet(home));
        assertEquals(home.resolve("Library/LaunchAgents/dev.wgdesk.tray.plist"), MacLoginItem.file(home));
        parsePlist(Files.readString(MacLoginItem.file(home)));
        MacLoginItem.set(home, "x", false);
        assertFalse(MacLoginItem.isSet(home));
    }

    /** The script with stub dseditgroup/stat/launchctl/chown that log their arguments. */
    @Test
    void postinstallCreatesTheGroupAddsTheConsoleUserAndLoadsTheDaemon(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("calls.log");
        Path daemon = dir.resolve("daemon.plist");
        Files.writeString(daemon, "<plist/>");
        String stubs = """
                log() { printf '%s\\n' "$*" >> "$CALLS"; }
                dseditgroup() { log dseditgroup "$@"; [[ $2 == read ]] && return 1; return 0; }
                stat() { echo alice; }
                launchctl() { log launchctl "$@"; return 0; }
                chown() { log chown "$@"; }
                export -f log dseditgroup stat launchctl chown
                exec bash "$1"
                """;
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", stubs, "_", RESOURCES.resolve("postinstall").toString())
                .redirectErrorStream(true);
        pb.environment().put("CALLS", log.toString());
        pb.environment().put("WGDESK_STATE_DIR", dir.resolve("state").toString());
        pb.environment().put("WGDESK_LOG_DIR", dir.resolve("logs").toString());
        pb.environment().put("WGDESK_DAEMON_PLIST", daemon.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        List<String> calls = Files.readAllLines(log);
        assertTrue(calls.contains("dseditgroup -o create -r wgdesk users wgdesk"), calls.toString());
        assertTrue(calls.contains("dseditgroup -o edit -a alice -t user wgdesk"), calls.toString());
        assertTrue(calls.contains("launchctl bootstrap system " + daemon), calls.toString());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("state"))));
    }
}
