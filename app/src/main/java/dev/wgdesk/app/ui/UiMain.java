package dev.wgdesk.app.ui;

import dev.wgdesk.app.ui.io.DesktopOpenFiles;
import dev.wgdesk.app.ui.io.DesktopOs;
import dev.wgdesk.app.ui.io.OpenRequests;
import dev.wgdesk.app.ui.io.SingleInstance;
import dev.wgdesk.app.ui.view.StartupTimer;
import dev.wgdesk.app.ui.view.UiArgs;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Arrays;
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
        UiArgs parsed = UiArgs.parse(Arrays.asList(args), new PrintStream(OutputStream.nullOutputStream()));
        SingleInstance.Outcome o = SingleInstance.claim(SingleInstance.socketFor(parsed.instanceKey()),
                new SingleInstance.Request(!parsed.hidden(), parsed.open()));
        switch (o) {
            case SingleInstance.Outcome.Forwarded f -> {
                if (!parsed.hidden()) {
                    System.out.println("wgdesk is already running: asked it to show its window");
                }
                return;
            }
            case SingleInstance.Outcome.Claimed c -> WgDeskApp.runAsInstance(c.instance());
            case SingleInstance.Outcome.Unavailable u ->
                    System.getLogger(UiMain.class.getName()).log(System.Logger.Level.INFO,
                            "not checking for another running wgdesk: " + u.reason());
        }
        OpenRequests requests = new OpenRequests();
        if (DesktopOpenFiles.install(DesktopOs.current(), requests)) {
            WgDeskApp.receiveOpenRequests(requests);
        }
        Application.launch(WgDeskApp.class, args);
    }
}
