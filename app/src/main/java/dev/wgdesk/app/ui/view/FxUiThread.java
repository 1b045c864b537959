package dev.wgdesk.app.ui.view;

import dev.wgdesk.app.ui.vm.UiThread;
import javafx.application.Platform;

/**
 * The JavaFX application thread as a {@link UiThread}. This is the only class of the app that
 * calls {@link Platform#runLater} (an ArchUnit test keeps it so): everything that comes back from
 * background work, the helper's events and the tray goes through here.
 */
public final class FxUiThread implements UiThread {
    /** The one instance. */
    public static final FxUiThread INSTANCE = new FxUiThread();

    private FxUiThread() {}

    @Override
    public void run(Runnable task) {
        if (Platform.isFxApplicationThread()) {
            task.run();
        } else {
            Platform.runLater(task);
        }
    }
}
