package dev.wgdesk.app.ui.io;

import dev.wgdesk.engine.platform.LaunchdPlist;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * "Start wgdesk at login" on macOS: a per-user LaunchAgent,
 * {@code ~/Library/LaunchAgents/dev.wgdesk.tray.plist}, that runs the app's launcher with
 * {@code tray} when the user logs in to the graphical (Aqua) session, once (no KeepAlive: quitting
 * from the menu bar is respected). launchd reads that directory at login, so writing the file is
 * all it takes; the agent is deliberately not bootstrapped now, since RunAtLoad would start a
 * second app at once. Off removes the file. The file is written atomically; the state is read
 * back by parsing it (a plist that does not run wgdesk at load counts as off, and turning it on
 * rewrites it).
 *
 * <p>Written and unit-tested on Linux; not yet run on a Mac.
 */
public final class MacLaunchAgentAutostart implements Autostart {
    /** The agent's launchd label, also its file name without {@code .plist}. */
    public static final String LABEL = "dev.wgdesk.tray";

    private final Path file;
    private final String launcher;

    /**
     * A LaunchAgent setting.
     *
     * @param home     the user's home directory
     * @param launcher the app's executable (e.g. {@code /Applications/wgdesk.app/Contents/MacOS/wgdesk}),
     *                 or null when unknown
     */
    public MacLaunchAgentAutostart(Path home, String launcher) {
        this.file = Objects.requireNonNull(home, "home").resolve("Library/LaunchAgents").resolve(LABEL + ".plist");
        this.launcher = launcher;
    }

    /** The agent file. */
    public Path file() {
        return file;
    }

    @Override
    public State state() throws IOException {
        if (Files.isRegularFile(file)) {
            return runsAtLogin(Files.readString(file, StandardCharsets.UTF_8)) ? State.ENABLED : State.DISABLED;
        }
        return launcher == null ? State.UNSUPPORTED : State.DISABLED;
    }

    @Override
    public void setEnabled(boolean on) throws IOException {
        if (state() == State.UNSUPPORTED) {
            throw new UnsupportedOperationException("starting at login is not supported here");
        }
        if (!on) {
            Files.deleteIfExists(file);
        } else if (launcher == null) {
            throw new UnsupportedOperationException("no wgdesk launcher known to start at login");
        } else {
            agent(launcher).write(file, PosixFilePermissions.fromString("rw-------"));
        }
    }

    /**
     * The agent: {@code launcher tray} at load, in the Aqua session only, not restarted after the
     * user quits.
     */
    static String plist(String launcher) {
        return agent(launcher).text();
    }

    private static LaunchdPlist agent(String launcher) {
        return new LaunchdPlist(0)
                .string("Label", LABEL)
                .strings("ProgramArguments", List.of(launcher, "tray"))
                .bool("RunAtLoad", true)
                .bool("KeepAlive", false)
                .string("LimitLoadToSessionType", "Aqua")
                .string("ProcessType", "Interactive");
    }

    /**
     * True when {@code plist} is our agent and launchd would run it at login: label
     * {@value #LABEL}, RunAtLoad true, not Disabled, and program arguments ending in {@code tray}.
     */
    static boolean runsAtLogin(String plist) {
        Element dict;
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setExpandEntityReferences(false);
            var builder = f.newDocumentBuilder();
            builder.setErrorHandler(new org.xml.sax.helpers.DefaultHandler() {
                @Override
                public void fatalError(org.xml.sax.SAXParseException e) throws SAXException {
                    throw e; // reported by the caller's answer (off), not printed
                }
            });
            Element root = builder.parse(new InputSource(new StringReader(plist))).getDocumentElement();
            dict = firstChildElement(root);
        } catch (ParserConfigurationException | SAXException | IOException e) {
            return false;
        }
        if (dict == null || !dict.getTagName().equals("dict")) {
            return false;
        }
        String label = null;
        boolean runAtLoad = false;
        boolean disabled = false;
        List<String> args = new ArrayList<>();
        for (Element key = firstChildElement(dict); key != null; key = nextElement(key)) {
            Element value = nextElement(key);
            if (!key.getTagName().equals("key") || value == null) {
                break;
            }
            switch (key.getTextContent().strip()) {
                case "Label" -> label = value.getTextContent().strip();
                case "RunAtLoad" -> runAtLoad = value.getTagName().equals("true");
                case "Disabled" -> disabled = value.getTagName().equals("true");
                case "ProgramArguments" -> {
                    for (Element s = firstChildElement(value); s != null; s = nextElement(s)) {
                        args.add(s.getTextContent());
                    }
                }
                default -> { }
            }
            key = value;
        }
        return LABEL.equals(label) && runAtLoad && !disabled && args.size() >= 2 && args.getLast().equals("tray");
    }

    private static Element firstChildElement(Node n) {
        for (Node c = n.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c instanceof Element e) {
                return e;
            }
        }
        return null;
    }

    private static Element nextElement(Node n) {
        for (Node c = n.getNextSibling(); c != null; c = c.getNextSibling()) {
            if (c instanceof Element e) {
                return e;
            }
        }
        return null;
    }
}
