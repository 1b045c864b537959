package dev.wgdesk.app.ui.io;

import java.awt.Desktop;
import java.awt.GraphicsEnvironment;
import java.io.File;
import java.util.List;
import java.util.Objects;

/**
 * Double-clicked files on macOS. Finder does not pass a document to a running or starting app
 * on its command line; it sends an "open documents" Apple event, which Java delivers through
 * {@link Desktop#setOpenFileHandler}. The handler must be installed before the UI starts: then
 * AWT owns the application and queues the event that launched it until the handler is there (if
 * JavaFX started first, AWT would run embedded in it and miss that first event, JDK-8198549).
 * Elsewhere nothing is installed: Windows and Linux pass files as arguments.
 *
 * <p>Written and unit-tested on Linux (the routing); the Apple event path has not yet run on a
 * Mac. {@code -Dwgdesk.mac.openFiles=false} leaves AWT alone at startup, should that ordering
 * upset JavaFX on some macOS version.
 */
public final class DesktopOpenFiles {
    private DesktopOpenFiles() {}

    /** Installs the handler when {@code os} is macOS and AWT supports it; returns whether it did. */
    public static boolean install(DesktopOs os, OpenRequests requests) {
        Objects.requireNonNull(requests, "requests");
        if (os != DesktopOs.MACOS || !Boolean.parseBoolean(System.getProperty("wgdesk.mac.openFiles", "true"))
                || GraphicsEnvironment.isHeadless()) {
            return false;
        }
        try {
            if (!Desktop.isDesktopSupported() || !Desktop.getDesktop().isSupported(Desktop.Action.APP_OPEN_FILE)) {
                return false;
            }
            Desktop.getDesktop().setOpenFileHandler(e -> requests.open(paths(e.getFiles())));
            return true;
        } catch (UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    static List<java.nio.file.Path> paths(List<File> files) {
        return files.stream().map(File::toPath).toList();
    }
}
