package dev.wgdesk.app.ui;

import dev.wgdesk.app.ui.view.StartupTimer;
import dev.wgdesk.app.ui.view.WgDeskApp;
import javafx.application.Application;

/**
 * Starts the tray app. A separate class from the {@link javafx.application.Application} so that
 * JavaFX can be loaded from the class path. See {@link WgDeskApp} for the arguments.
 */
public final class UiMain {
    private UiMain() {}

    /** Runs the app until it quits. */
    public static void main(String[] args) {
        StartupTimer.mainEntered();
        Application.launch(WgDeskApp.class, args);
    }
}
