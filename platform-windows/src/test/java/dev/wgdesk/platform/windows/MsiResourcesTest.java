package dev.wgdesk.platform.windows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The MSI's resources (installers/src/windows) as data: main.wxs parses and has the per-machine
 * package, jpackage's component groups (files, Start-menu shortcut, .conf association), the
 * deferred non-impersonated custom actions that register the service after the files are
 * installed and remove it before they are removed; build-msi.sh passes the fixed upgrade code and
 * the launcher, association and resource directory main.wxs relies on. jpackage and WiX run only
 * on Windows (the CI job builds and installs the MSI).
 */
class MsiResourcesTest {
    static final Path DIR = Path.of("../installers/src/windows");
    static final String WIX = "http://schemas.microsoft.com/wix/2006/wi";

    static Document wxs() throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(DIR.resolve("main.wxs").toFile());
    }

    static List<Element> all(Document d, String tag) {
        NodeList n = d.getElementsByTagNameNS(WIX, tag);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < n.getLength(); i++) {
            out.add((Element) n.item(i));
        }
        return out;
    }

    static Element byId(Document d, String tag, String id) {
        return all(d, tag).stream().filter(e -> e.getAttribute("Id").equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + tag + " " + id));
    }

    @Test
    void perMachineWithJpackagesComponentGroupsAndTheUpgradeCodeVariable() throws Exception {
        Document d = wxs();
        Element product = all(d, "Product").get(0);
        assertEquals("$(var.JpProductUpgradeCode)", product.getAttribute("UpgradeCode"));
        assertEquals("$(var.JpProductUpgradeCode)", all(d, "Upgrade").get(0).getAttribute("Id"));
        Element pkg = all(d, "Package").get(0);
        assertEquals("$(var.JpInstallScope)", pkg.getAttribute("InstallScope"));
        assertTrue(Files.readString(DIR.resolve("main.wxs")).contains("<?define JpInstallScope=\"perMachine\"?>"));
        assertEquals("elevated", pkg.getAttribute("InstallPrivileges"));
        List<String> groups = all(d, "ComponentGroupRef").stream().map(e -> e.getAttribute("Id")).toList();
        assertEquals(List.of("Shortcuts", "Files", "FileAssociations"), groups);
    }

    /** Where each custom action runs in InstallExecuteSequence: the standard action it follows or precedes. */
    static Map<String, Element> sequence(Document d) {
        Map<String, Element> m = new HashMap<>();
        for (Element c : all(d, "Custom")) {
            m.put(c.getAttribute("Action"), c);
        }
        return m;
    }

    /** Follows After= links through our own actions to the standard action they hang from. */
    static String anchor(Map<String, Element> seq, String action) {
        Element c = seq.get(action);
        String after = c.getAttribute("After");
        if (!after.isEmpty()) {
            return seq.containsKey(after) ? anchor(seq, after) : "After " + after;
        }
        return "Before " + c.getAttribute("Before");
    }

    @Test
    void theServiceIsRegisteredAfterTheFilesAndRemovedBeforeThemAsSystem() throws Exception {
        Document d = wxs();
        Map<String, Element> seq = sequence(d);
        record Want(String action, String command, String anchor, String condition, String ret) {}
        for (Want w : List.of(
                new Want("WgdeskCreateGroup", "\"[System64Folder]net.exe\" localgroup wgdesk-users /add \"/comment:may use wgdesk tunnels\"",
                        "After InstallFiles", "NOT REMOVE", "ignore"),
                new Want("WgdeskInstallService", "\"[INSTALLDIR]wgdesk-helper.exe\" --install-service",
                        "After InstallFiles", "NOT REMOVE", "check"),
                new Want("WgdeskUninstallService", "\"[INSTALLDIR]wgdesk-helper.exe\" --uninstall-service",
                        "Before RemoveFiles", "REMOVE=\"ALL\"", "ignore"))) {
            Element ca = byId(d, "CustomAction", w.action());
            assertEquals("deferred", ca.getAttribute("Execute"), w.action());
            assertEquals("no", ca.getAttribute("Impersonate"), w.action() + " runs as LocalSystem");
            assertEquals("WixQuietExec64", ca.getAttribute("DllEntry"), w.action());
            assertEquals("WixCA", ca.getAttribute("BinaryKey"), w.action());
            assertEquals(w.ret(), ca.getAttribute("Return"), w.action());
            // the deferred action reads its command line from the property of its own name
            Element set = all(d, "CustomAction").stream().filter(e -> e.getAttribute("Property").equals(w.action()))
                    .findFirst().orElseThrow(() -> new AssertionError("nothing sets " + w.action()));
            assertEquals(w.command(), set.getAttribute("Value"));
            assertEquals(w.anchor(), anchor(seq, w.action()), w.action());
            assertEquals(w.condition(), seq.get(w.action()).getTextContent().trim(), w.action());
            assertEquals("After CostFinalize", anchor(seq, set.getAttribute("Id")), set.getAttribute("Id"));
            assertEquals(w.condition(), seq.get(set.getAttribute("Id")).getTextContent().trim());
        }
        // the group exists before the helper is registered (its pipe DACL names it)
        assertEquals("WgdeskCreateGroup", seq.get("WgdeskInstallService").getAttribute("After"));
        // an upgrade removes the old product (and its service) first
        assertEquals("CostInitialize", all(d, "RemoveExistingProducts").get(0).getAttribute("Before"));
    }

    @Test
    void buildScriptPassesWhatMainWxsReliesOn() throws Exception {
        String sh = Files.readString(DIR.resolve("build-msi.sh"));
        Matcher m = Pattern.compile("--win-upgrade-uuid (\\S+)").matcher(sh);
        assertTrue(m.find(), "a fixed upgrade code");
        UUID upgrade = UUID.fromString(m.group(1));
        assertEquals("7d3c5d0e-5a0b-4f5e-9b7a-2f6c1e8a4b13", upgrade.toString(), "never change it: upgrades depend on it");
        for (String flag : List.of("--type msi", "--resource-dir \"$here\"", "--win-menu ", "--win-menu-group wgdesk",
                "--add-launcher wgdesk-helper=\"$here/wgdesk-helper.properties\"",
                "--add-launcher wgdesk-cli=\"$here/wgdesk-cli.properties\"",
                "--file-associations \"$here/conf-association.properties\"", "--app-content \"$wintun,")) {
            assertTrue(sh.contains(flag), flag);
        }
        Properties assoc = new Properties();
        assoc.load(new StringReader(Files.readString(DIR.resolve("conf-association.properties"))));
        assertEquals("conf", assoc.getProperty("extension"));
        Properties helper = new Properties();
        helper.load(new StringReader(Files.readString(DIR.resolve("wgdesk-helper.properties"))));
        assertEquals("dev.wgdesk.app.cli.Main", helper.getProperty("main-class"));
        assertTrue(helper.getProperty("java-options").contains("--add-exports java.base/sun.nio.ch=ALL-UNNAMED"),
                "the UDP socket's handle for IP_UNICAST_IF (UnicastIfBind)");
        Properties cli = new Properties();
        cli.load(new StringReader(Files.readString(DIR.resolve("wgdesk-cli.properties"))));
        for (Properties p : List.of(helper, cli)) {
            assertEquals("true", p.getProperty("win-console"), "a console launcher");
            assertEquals("false", p.getProperty("win-menu"), "only wgdesk.exe is on the Start menu");
            assertEquals("false", p.getProperty("win-shortcut"));
        }
    }
}
