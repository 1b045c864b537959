package dev.wgdesk.app.ui.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;

class MacLaunchAgentAutostartTest {
    private static final String APP = "/Applications/wg desk & co.app/Contents/MacOS/wgdesk";

    @TempDir
    Path home;

    @Test
    void turningOnWritesALaunchAgentThatRunsTheLauncherWithTray() throws Exception {
        MacLaunchAgentAutostart a = new MacLaunchAgentAutostart(home, APP);
        assertEquals(Autostart.State.DISABLED, a.state());
        a.setEnabled(true);
        Path file = home.resolve("Library/LaunchAgents/dev.wgdesk.tray.plist");
        assertEquals(file, a.file());
        assertEquals(Autostart.State.ENABLED, a.state());

        Map<String, Object> plist = parse(Files.readString(file, StandardCharsets.UTF_8));
        assertEquals("dev.wgdesk.tray", plist.get("Label"));
        assertEquals(List.of(APP, "tray"), plist.get("ProgramArguments"), "the path survives XML escaping");
        assertEquals(true, plist.get("RunAtLoad"));
        assertEquals(false, plist.get("KeepAlive"), "quitting from the menu bar is not undone by launchd");
        assertEquals("Aqua", plist.get("LimitLoadToSessionType"));
        assertEquals("Interactive", plist.get("ProcessType"));
        try (var s = Files.list(file.getParent())) {
            assertEquals(List.of(file), s.toList(), "no temporary file left behind");
        }

        a.setEnabled(false);
        assertFalse(Files.exists(file));
        assertEquals(Autostart.State.DISABLED, a.state());
    }

    @Test
    void aPlistThatWouldNotRunWgdeskAtLoginReadsAsOffAndIsRewritten() throws Exception {
        MacLaunchAgentAutostart a = new MacLaunchAgentAutostart(home, APP);
        a.setEnabled(true);
        Path file = a.file();
        String good = Files.readString(file);
        Files.writeString(file, good.replace("<key>RunAtLoad</key>\n  <true/>", "<key>RunAtLoad</key>\n  <false/>"));
        assertEquals(Autostart.State.DISABLED, a.state());
        Files.writeString(file, good.replace("</dict>", "  <key>Disabled</key>\n  <true/>\n</dict>"));
        assertEquals(Autostart.State.DISABLED, a.state());
        Files.writeString(file, "not xml <");
        assertEquals(Autostart.State.DISABLED, a.state());
        a.setEnabled(true);
        assertEquals(Autostart.State.ENABLED, a.state());
        assertEquals(good, Files.readString(file));
    }

    @Test
    void withoutALauncherItIsUnsupportedButAnExistingAgentCanStillBeRemoved() throws Exception {
        assertEquals(Autostart.State.UNSUPPORTED, new MacLaunchAgentAutostart(home, null).state());
        assertThrows(UnsupportedOperationException.class, () -> new MacLaunchAgentAutostart(home, null).setEnabled(true));
        new MacLaunchAgentAutostart(home, APP).setEnabled(true);
        MacLaunchAgentAutostart noLauncher = new MacLaunchAgentAutostart(home, null);
        assertEquals(Autostart.State.ENABLED, noLauncher.state());
        noLauncher.setEnabled(false);
        assertFalse(Files.exists(noLauncher.file()));
    }

    @Test
    void theParserDoesNotFetchTheDoctypeOrExpandExternalEntities() throws Exception {
        // Were the entity read, the label would be right and the agent would count as ours.
        Path label = Files.writeString(home.resolve("label.txt"), "dev.wgdesk.tray");
        String plist = MacLaunchAgentAutostart.plist(APP);
        String evil = plist.substring(0, plist.indexOf("<!DOCTYPE"))
                + "<!DOCTYPE plist [<!ENTITY e SYSTEM \"" + label.toUri() + "\">]>\n"
                + plist.substring(plist.indexOf("<plist ")).replace(">dev.wgdesk.tray<", ">&e;<");
        assertFalse(MacLaunchAgentAutostart.runsAtLogin(evil));
        assertTrue(MacLaunchAgentAutostart.runsAtLogin(MacLaunchAgentAutostart.plist(APP)));
    }

    @Test
    void theAgentFileIsByteForByteTheSameAsBefore() throws Exception {
        // The file as written before the plist writers were shared (a golden file, byte for byte).
        String expected = new String(getClass().getResourceAsStream("dev.wgdesk.tray.expected.plist").readAllBytes(),
                StandardCharsets.UTF_8);
        assertEquals(expected, MacLaunchAgentAutostart.plist(APP));
        assertEquals(expected.replace("wg desk &amp; co", "&lt;a&gt;"), MacLaunchAgentAutostart.plist(
                "/Applications/<a>.app/Contents/MacOS/wgdesk"));
        MacLaunchAgentAutostart a = new MacLaunchAgentAutostart(home, APP);
        a.setEnabled(true);
        assertArrayEquals(expected.getBytes(StandardCharsets.UTF_8), Files.readAllBytes(a.file()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(a.file())));
    }

    /** A plain reading of a plist's top-level dict: strings, booleans and arrays of strings. */
    private static Map<String, Object> parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Element root = f.newDocumentBuilder().parse(new InputSource(new StringReader(xml))).getDocumentElement();
        assertEquals("plist", root.getTagName());
        List<Element> dict = elements(elements(root).getFirst());
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < dict.size(); i += 2) {
            assertEquals("key", dict.get(i).getTagName());
            Element v = dict.get(i + 1);
            Object value = switch (v.getTagName()) {
                case "string" -> v.getTextContent();
                case "true" -> true;
                case "false" -> false;
                case "array" -> elements(v).stream().map(Node::getTextContent).toList();
                default -> throw new AssertionError("unexpected " + v.getTagName());
            };
            out.put(dict.get(i).getTextContent(), value);
        }
        return out;
    }

    private static List<Element> elements(Node n) {
        List<Element> out = new ArrayList<>();
        for (Node c = n.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c instanceof Element e) {
                out.add(e);
            }
        }
        return out;
    }
}
