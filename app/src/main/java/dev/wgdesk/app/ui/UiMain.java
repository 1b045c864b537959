package dev.wgdesk.app.ui;

import dev.wgdesk.app.ui.io.DesktopOpenFiles;
import dev.wgdesk.app.ui.io.DesktopOs;
import dev.wgdesk.app.ui.io.OpenRequests;
import dev.wgdesk.app.ui.io.SingleInstance;
import dev.wgdesk.app.ui.view.StartupTimer;
import dev.wgdesk.app.ui.view.UiArgs;
import java.io.OutputStream;
import java.io.PrintStream;
import dev.wgdesk.app.ui.i18n.Messages;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import dev.wgdesk.app.ui.view.WgDeskApp;
import javafx.application.Application;

/**
 * Starts the tray app. A separate class from the {@link javafx.application.Application} so that
 * JavaFX can be loaded from the class path. See {@link UiArgs} for the arguments. When the app
 * already runs for the same helper, this start hands its request (show the window, open files)
 * to it and returns before JavaFX loads. On macOS, where Finder sends double-clicked files as
 * Apple events rather than arguments, the open-file handler is installed here, before JavaFX
 * starts ({@link DesktopOpenFiles}).
 */
public final class UiMain {
    private UiMain() {}

    /** Runs the app until it quits. */
    public static void main(String[] args) {
        StartupTimer.mainEntered();
        SingleInstance claimed = null;
        UiArgs parsed = UiArgs.parse(Arrays.asList(args), new PrintStream(OutputStream.nullOutputStream()));
        // The language of the texts: --lang, else WGDESK_LANG, else the OS locale. The default
        // locale is set too, so that JavaFX's own texts (buttons of dialogs, context menus) agree.
        Locale locale = Messages.choose(parsed.lang(), System.getenv(Messages.LANG_VARIABLE), Locale.getDefault());
        if (!locale.equals(Locale.getDefault())) {
            Locale.setDefault(locale);
        }
        Messages.useLocale(locale);
        SingleInstance.Outcome o = SingleInstance.claim(SingleInstance.socketFor(parsed.instanceKey()),
                new SingleInstance.Request(!parsed.hidden(), parsed.open()));
        switch (o) {
            case SingleInstance.Outcome.Forwarded f -> {
                if (!parsed.hidden()) {
                    System.out.println("wgdesk is already running: asked it to show its window");
                }
                return;
            }
            case SingleInstance.Outcome.Claimed c -> {
                claimed = c.instance();
                WgDeskApp.runAsInstance(c.instance());
            }
            case SingleInstance.Outcome.Unavailable u ->
                    System.getLogger(UiMain.class.getName()).log(System.Logger.Level.INFO,
                            "not checking for another running wgdesk: " + u.reason());
        }
        quietClassPathWarning();
        OpenRequests requests = new OpenRequests();
        if (DesktopOpenFiles.install(DesktopOs.current(), requests)) {
            WgDeskApp.receiveOpenRequests(requests);
        }
        try {
            Application.launch(WgDeskApp.class, args);
        } catch (RuntimeException | Error e) {
            // No display, no GTK 3: one line saying what is missing, not a stack trace.
            Optional<String> why = NoWindow.explain(e);
            if (why.isEmpty()) {
                throw e;
            }
            if (claimed != null) {
                claimed.close();
            }
            System.err.println(why.get());
            System.exit(NoWindow.EXIT_STATUS);
        }
    }

    /** Holds the logger whose filter is set below (java.util.logging keeps loggers weakly). */
    private static java.util.logging.Logger javafxLogger;

    /**
     * JavaFX warns at every start that it was loaded from the class path ("Unsupported JavaFX
     * configuration"), which is how wgdesk ships it (one class path for app, CLI and helper). The
     * warning tells a user nothing they can act on, so it alone is dropped; every other JavaFX
     * message still shows.
     */
    private static void quietClassPathWarning() {
        javafxLogger = java.util.logging.Logger.getLogger("javafx");
        javafxLogger.setFilter(r -> r.getMessage() == null
                || !r.getMessage().startsWith("Unsupported JavaFX configuration"));
    }
}
